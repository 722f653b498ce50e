{#-
    Rejected raw order item rows (the optional raw_order_items table): the reason, the file (and
    line, for malformed lines) and the raw fields, including lines of an order that is not a kept
    order of a known customer (`unknown_order`) or of a product that is not a kept product
    (`unknown_product`). Text that looks like an email address or a phone number is masked. No
    rows when the table is absent.
-#}
{%- set raw_columns = [
    'order_id',
    'product_id',
    'raw_order_id',
    'raw_product_id',
    'raw_quantity',
    'raw_amount',
] -%}
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
        {{ masked_columns(raw_columns) }}

    from order_items
    where row_outcome = 'rejected'

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
