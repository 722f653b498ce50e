{#-
    Rejected raw order item rows (the optional raw_order_items table): the reason, the file (and
    line, for malformed lines) and the raw fields, including lines of an order that is not a kept
    order of a known customer (`unknown_order`) or of a product that is not a kept product
    (`unknown_product`). Text that looks like an email address or a phone number is masked. No
    rows when the table is absent.
-#}
with

order_items as (

    select * from {{ ref('base_raw__order_items') }}

),

malformed_lines as (

    select * from {{ ref('base_raw__malformed_lines') }}
    where raw_table = 'raw_order_items'

),

rejected_rows as (

    select
        reject_reason,
        source_file,
        cast(null as {{ dbt.type_bigint() }}) as line_number,
        cast(null as {{ dbt.type_string() }}) as malformed_line_error,
        {{ masked_if_personal('order_id') }} as order_id,
        {{ masked_if_personal('product_id') }} as product_id,
        {{ masked_if_personal('raw_order_id') }} as raw_order_id,
        {{ masked_if_personal('raw_product_id') }} as raw_product_id,
        {{ masked_if_personal('raw_quantity') }} as raw_quantity,
        {{ masked_if_personal('raw_amount') }} as raw_amount

    from order_items
    where row_outcome = 'rejected'

),

malformed_rows as (

    select
        'malformed_line' as reject_reason,
        source_file,
        line_number,
        malformed_line_error,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(null as {{ dbt.type_string() }}) as product_id,
        cast(null as {{ dbt.type_string() }}) as raw_order_id,
        cast(null as {{ dbt.type_string() }}) as raw_product_id,
        cast(null as {{ dbt.type_string() }}) as raw_quantity,
        cast(null as {{ dbt.type_string() }}) as raw_amount

    from malformed_lines

),

final as (

    select * from rejected_rows
    union all
    select * from malformed_rows

)

select * from final
