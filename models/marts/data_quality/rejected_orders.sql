{#-
    Rejected raw order rows: the reason, the file (and line, for malformed lines) and the raw
    order fields, including current orders whose customer is not a kept customer
    (`unknown_customer`). Text that looks like an email address or a phone number is masked;
    the text of malformed lines is in quarantine.quarantined_lines.
-#}
{%- set raw_columns = [
    'order_id',
    'raw_order_id',
    'raw_customer_id',
    'raw_ordered_at',
    'raw_status',
    'raw_channel',
    'raw_amount',
    'raw_discount_amount',
    'raw_updated_at',
] -%}
with

order_versions as (

    select * from {{ ref('base_raw__orders') }}

),

orders as (

    select * from {{ ref('int_orders_validated') }}

),

malformed_lines as (

    select * from {{ ref('base_raw__malformed_lines') }}
    where raw_table = 'raw_orders'

),

rejected_rows as (

    select
        coalesce(order_versions.reject_reason, 'unknown_customer') as reject_reason,
        order_versions.source_file,
        cast(null as {{ dbt.type_bigint() }}) as line_number,
        cast(null as {{ dbt.type_string() }}) as malformed_line_error,
        {{ masked_columns(raw_columns, 'order_versions') }}

    from order_versions
    left join orders
        on
            order_versions.row_outcome = 'kept'
            and order_versions.order_id = orders.order_id
    where
        order_versions.row_outcome = 'rejected'
        or (order_versions.row_outcome = 'kept' and not orders.has_known_customer)

),

malformed_rows as (

    {{ malformed_line_rows('malformed_lines', raw_columns) }}

),

final as (

    select * from rejected_rows
    union all
    select * from malformed_rows

)

select * from final
