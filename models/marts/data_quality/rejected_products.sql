{#-
    Rejected raw product rows (the optional raw_products table): the reason, the file (and line,
    for malformed lines) and the raw fields. Text that looks like an email address or a phone
    number is masked. No rows when the table is absent.
-#}
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
        {{ masked_if_personal('product_id') }} as product_id,
        {{ masked_if_personal('raw_product_id') }} as raw_product_id,
        {{ masked_if_personal('raw_name') }} as raw_name,
        {{ masked_if_personal('raw_category') }} as raw_category,
        {{ masked_if_personal('raw_needs_onboarding') }} as raw_needs_onboarding

    from products
    where row_outcome = 'rejected'

),

malformed_rows as (

    select
        'malformed_line' as reject_reason,
        source_file,
        line_number,
        malformed_line_error,
        cast(null as {{ dbt.type_string() }}) as product_id,
        cast(null as {{ dbt.type_string() }}) as raw_product_id,
        cast(null as {{ dbt.type_string() }}) as raw_name,
        cast(null as {{ dbt.type_string() }}) as raw_category,
        cast(null as {{ dbt.type_string() }}) as raw_needs_onboarding

    from malformed_lines

),

final as (

    select * from rejected_rows
    union all
    select * from malformed_rows

)

select * from final
