{#-
    Every raw record's final outcome, one row per record: each row of the raw tables (kept,
    superseded or rejected by base_raw__*; a kept order of an unknown customer is rejected here
    as `unknown_customer`; the optional tables' rows as their base models judged them) and each malformed line of a raw file (rejected, `malformed_line`).
    The one place the data-quality marts count from.
-#}
with

customer_versions as (

    select * from {{ ref('base_raw__customers') }}

),

order_versions as (

    select * from {{ ref('base_raw__orders') }}

),

orders as (

    select * from {{ ref('int_orders_validated') }}

),

events as (

    select * from {{ ref('base_raw__events') }}

),

feedback as (

    select * from {{ ref('base_raw__feedback') }}

),

order_items as (

    select * from {{ ref('base_raw__order_items') }}

),

products as (

    select * from {{ ref('base_raw__products') }}

),

malformed_lines as (

    select * from {{ ref('base_raw__malformed_lines') }}

),

customer_records as (

    select
        'raw_customers' as raw_table,
        source_file,
        row_outcome,
        reject_reason,
        cast(signed_up_at as date) as record_date

    from customer_versions

),

order_records as (

    select
        'raw_orders' as raw_table,
        order_versions.source_file,
        case
            when order_versions.row_outcome = 'kept' and not orders.has_known_customer
                then 'rejected'
            else order_versions.row_outcome
        end as row_outcome,
        case
            when order_versions.row_outcome = 'kept' and not orders.has_known_customer
                then 'unknown_customer'
            else order_versions.reject_reason
        end as reject_reason,
        order_versions.order_date as record_date

    from order_versions
    left join orders
        on
            order_versions.row_outcome = 'kept'
            and order_versions.order_id = orders.order_id

),

event_records as (

    select
        'raw_events' as raw_table,
        source_file,
        row_outcome,
        reject_reason,
        event_date as record_date

    from events

),

feedback_records as (

    select
        'raw_feedback' as raw_table,
        source_file,
        row_outcome,
        reject_reason,
        answered_date as record_date

    from feedback

),

order_item_records as (

    select
        'raw_order_items' as raw_table,
        order_items.source_file,
        order_items.row_outcome,
        order_items.reject_reason,
        order_versions.order_date as record_date

    from order_items
    left join order_versions
        on
            order_items.order_id = order_versions.order_id
            and order_versions.row_outcome = 'kept'

),

product_records as (

    select
        'raw_products' as raw_table,
        source_file,
        row_outcome,
        reject_reason,
        cast(null as date) as record_date

    from products

),

line_records as (

    select
        raw_table,
        source_file,
        'rejected' as row_outcome,
        'malformed_line' as reject_reason,
        cast(null as date) as record_date

    from malformed_lines

),

final as (

    select * from customer_records
    union all
    select * from order_records
    union all
    select * from event_records
    union all
    select * from feedback_records
    union all
    select * from order_item_records
    union all
    select * from product_records
    union all
    select * from line_records

)

select * from final
