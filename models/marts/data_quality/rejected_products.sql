{#-
    Rejected raw product rows (the optional raw_products table): the reason, the file (and line,
    for malformed lines) and the raw fields. Text that looks like an email address or a phone
    number is masked. No rows when the table is absent.
-#}
{%- set raw_columns = [
    'product_id',
    'raw_product_id',
    'raw_name',
    'raw_category',
    'raw_needs_onboarding',
] -%}
with

products as (

    select * from {{ ref('base_raw__products') }}

),

malformed_lines as (

    select * from {{ ref('base_raw__malformed_lines') }}
    where raw_table = 'raw_products'

),

rejected_rows as (

    select
        reject_reason,
        source_file,
        cast(null as {{ dbt.type_bigint() }}) as line_number,
        cast(null as {{ dbt.type_string() }}) as malformed_line_error,
        {{ masked_columns(raw_columns) }}

    from products
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
