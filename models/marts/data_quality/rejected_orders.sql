{#-
    Rejected raw order rows: the reason, the file (and line, for malformed lines) and the raw
    order fields, including current orders whose customer is not a kept customer
    (`unknown_customer`). Text that looks like an email address or a phone number is masked;
    the text of malformed lines is in quarantine.quarantined_lines.
-#}
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
        {{ masked_if_personal('order_versions.order_id') }} as order_id,
        {{ masked_if_personal('order_versions.raw_order_id') }} as raw_order_id,
        {{ masked_if_personal('order_versions.raw_customer_id') }} as raw_customer_id,
        {{ masked_if_personal('order_versions.raw_ordered_at') }} as raw_ordered_at,
        {{ masked_if_personal('order_versions.raw_status') }} as raw_status,
        {{ masked_if_personal('order_versions.raw_channel') }} as raw_channel,
        {{ masked_if_personal('order_versions.raw_amount') }} as raw_amount,
        {{ masked_if_personal('order_versions.raw_discount_amount') }} as raw_discount_amount,
        {{ masked_if_personal('order_versions.raw_updated_at') }} as raw_updated_at

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

    select
        'malformed_line' as reject_reason,
        source_file,
        line_number,
        malformed_line_error,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(null as {{ dbt.type_string() }}) as raw_order_id,
        cast(null as {{ dbt.type_string() }}) as raw_customer_id,
        cast(null as {{ dbt.type_string() }}) as raw_ordered_at,
        cast(null as {{ dbt.type_string() }}) as raw_status,
        cast(null as {{ dbt.type_string() }}) as raw_channel,
        cast(null as {{ dbt.type_string() }}) as raw_amount,
        cast(null as {{ dbt.type_string() }}) as raw_discount_amount,
        cast(null as {{ dbt.type_string() }}) as raw_updated_at

    from malformed_lines

),

final as (

    select * from rejected_rows
    union all
    select * from malformed_rows

)

select * from final
