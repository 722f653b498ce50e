{#-
    Every raw customer row parsed once: cleaned and typed values, flags, and the first check it
    fails. Incremental with raw_dir on DuckDB, like base_raw__orders_parsed (see
    macros/incremental_raw_files.sql); otherwise a table rebuilt every run.
-#}
{{
    config(
        materialized=raw_parse_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_raw_files('raw_customers') }}",
    )
}}

with

source as (

    {{ raw_source_rows('raw_customers') }}

),

raw_rows as (

    select
        cast(source.customer_id as {{ dbt.type_string() }}) as raw_customer_id,
        cast(source.first_name as {{ dbt.type_string() }}) as raw_first_name,
        cast(source.last_name as {{ dbt.type_string() }}) as raw_last_name,
        cast(source.email as {{ dbt.type_string() }}) as raw_email,
        cast(source.phone as {{ dbt.type_string() }}) as raw_phone,
        cast(source.signed_up_at as {{ dbt.type_string() }}) as raw_signed_up_at,
        cast(source.country_code as {{ dbt.type_string() }}) as raw_country_code,
        cast(source.city as {{ dbt.type_string() }}) as raw_city,
        cast(source.birth_date as {{ dbt.type_string() }}) as raw_birth_date,
        cast(source.gender as {{ dbt.type_string() }}) as raw_gender,
        cast(source.company_name as {{ dbt.type_string() }}) as raw_company_name,
        cast(source.referred_by_customer_id as {{ dbt.type_string() }}) as raw_referred_by_customer_id,
        cast(source.updated_at as {{ dbt.type_string() }}) as raw_updated_at,
        cast(source.accepts_marketing as {{ dbt.type_string() }}) as raw_accepts_marketing,
        source.source_file,
        source.source_file_size,
        source.source_file_modified_at

    from source

),

trimmed as (

    select
        *,
        {{ clean_text('raw_customer_id') }} as customer_id,
        {{ trim_text('raw_signed_up_at') }} as signed_up_at_text,
        {{ trim_text('raw_birth_date') }} as birth_date_text,
        {{ trim_text('raw_updated_at') }} as updated_at_text

    from raw_rows

),

cleaned as (

    select
        *,
        {{ title_case('raw_first_name') }} as first_name,
        {{ title_case('raw_last_name') }} as last_name,
        {{ clean_token('raw_email') }} as email,
        nullif({{ replace_all("coalesce(raw_phone, '')", '[^0-9+]', '') }}, '') as phone,
        {{ parse_utc_timestamp('signed_up_at_text') }} as signed_up_at,
        upper({{ clean_token('raw_country_code') }}) as country_code,
        {{ title_case('raw_city') }} as city,
        {{ parse_date('birth_date_text') }} as birth_date,
        {{ normalise_gender('raw_gender') }} as gender,
        {{ clean_text('raw_company_name') }} as company_name,
        {{ clean_text('raw_referred_by_customer_id') }} as referred_by_customer_id,
        {{ parse_utc_timestamp('updated_at_text') }} as updated_at,
        {{ parse_consent('raw_accepts_marketing') }} as accepts_marketing

    from trimmed

),

checked as (

    select
        *,
        case
            when customer_id is null then 'missing_customer_id'
            when signed_up_at is null and signed_up_at_text is not null then 'unparseable_signed_up_at'
            when signed_up_at > {{ future_cutoff() }} then 'signed_up_in_future'
            when updated_at is null and updated_at_text is not null then 'unparseable_updated_at'
        end as row_problem,
        coalesce(birth_date is null and birth_date_text is not null, false) as has_invalid_birth_date,
        coalesce({{ matches_fully('email', '[^@\s]+@[^@\s]+\.[a-z]{2,}') }}, false) as has_valid_email,
        coalesce({{ matches_fully('phone', '[+]?[0-9]{8,15}') }}, false) as has_valid_phone

    from cleaned

),

final as (

    select
        source_file,
        source_file_size,
        source_file_modified_at,
        raw_customer_id,
        raw_first_name,
        raw_last_name,
        raw_email,
        raw_phone,
        raw_signed_up_at,
        raw_country_code,
        raw_city,
        raw_birth_date,
        raw_gender,
        raw_company_name,
        raw_referred_by_customer_id,
        raw_updated_at,
        raw_accepts_marketing,
        customer_id,
        first_name,
        last_name,
        email,
        phone,
        signed_up_at,
        country_code,
        city,
        birth_date,
        gender,
        company_name,
        referred_by_customer_id,
        updated_at,
        accepts_marketing,
        has_invalid_birth_date,
        has_valid_email,
        has_valid_phone,
        row_problem

    from checked

)

select * from final
