{#-
    Every raw product row (the optional raw_products table) parsed and judged once: the product
    id, name and category trimmed, `needs_onboarding` read as a flag (true/yes/y/1 or
    false/no/n/0, any case; missing is false), and the outcome. Repeated exports of one product id
    keep the first by their raw text and supersede the others. No rows when the table is absent.
-#}
with

source as (

    {{ optional_raw_source_rows('raw_products') }}

),

raw_rows as (

    select
        cast(source.product_id as {{ dbt.type_string() }}) as raw_product_id,
        cast(source.name as {{ dbt.type_string() }}) as raw_name,
        cast(source.category as {{ dbt.type_string() }}) as raw_category,
        cast(source.needs_onboarding as {{ dbt.type_string() }}) as raw_needs_onboarding,
        source.source_file,
        source.source_file_size,
        source.source_file_modified_at

    from source

),

cleaned as (

    select
        *,
        {{ clean_text('raw_product_id') }} as product_id,
        {{ clean_text('raw_name') }} as product_name,
        {{ clean_text('raw_category') }} as category,
        {{ clean_text('raw_needs_onboarding') }} as needs_onboarding_text,
        {{ parse_flag('raw_needs_onboarding') }} as parsed_needs_onboarding

    from raw_rows

),

checked as (

    select
        *,
        case
            when product_id is null then 'missing_product_id'
            when needs_onboarding_text is not null and parsed_needs_onboarding is null
                then 'unparseable_needs_onboarding'
        end as row_problem

    from cleaned

),

versioned as (

    select
        *,
        row_number() over (
            partition by product_id, row_problem
            order by
                raw_category nulls last,
                raw_name nulls last,
                raw_needs_onboarding nulls last,
                source_file nulls last,
                raw_product_id nulls last
        ) as version_rank

    from checked

),

final as (

    select
        source_file,
        source_file_size,
        source_file_modified_at,
        raw_product_id,
        raw_name,
        raw_category,
        raw_needs_onboarding,
        product_id,
        product_name,
        category,
        version_rank,
        row_problem as reject_reason,
        coalesce(parsed_needs_onboarding, false) as needs_onboarding,
        case
            when row_problem is not null then 'rejected'
            when version_rank > 1 then 'superseded'
            else 'kept'
        end as row_outcome

    from versioned

)

select * from final
