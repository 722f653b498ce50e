{%- if not var('raw_dir', none) %}
-- depends_on: {{ ref('raw_customers') }}
{%- endif %}

with

source as (

    select * from {{ source('raw', 'raw_customers') }}

),

raw_rows as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as raw_customer_id,
        cast(first_name as {{ dbt.type_string() }}) as raw_first_name,
        cast(last_name as {{ dbt.type_string() }}) as raw_last_name,
        cast(email as {{ dbt.type_string() }}) as raw_email,
        cast(phone as {{ dbt.type_string() }}) as raw_phone,
        cast(signed_up_at as {{ dbt.type_string() }}) as raw_signed_up_at,
        cast(country_code as {{ dbt.type_string() }}) as raw_country_code,
        cast(city as {{ dbt.type_string() }}) as raw_city,
        cast(birth_date as {{ dbt.type_string() }}) as raw_birth_date,
        cast(gender as {{ dbt.type_string() }}) as raw_gender,
        cast(company_name as {{ dbt.type_string() }}) as raw_company_name,
        cast(referred_by_customer_id as {{ dbt.type_string() }}) as raw_referred_by_customer_id,
        cast(updated_at as {{ dbt.type_string() }}) as raw_updated_at

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
        {{ parse_utc_timestamp('updated_at_text') }} as updated_at

    from trimmed

),

checked as (

    select
        *,
        case
            when customer_id is null then 'missing_customer_id'
            when signed_up_at is null and signed_up_at_text is not null then 'unparseable_signed_up_at'
            when updated_at is null and updated_at_text is not null then 'unparseable_updated_at'
        end as row_problem,
        coalesce(birth_date is null and birth_date_text is not null, false) as has_invalid_birth_date,
        coalesce({{ matches_fully('email', '[^@\s]+@[^@\s]+\.[a-z]{2,}') }}, false) as has_valid_email

    from cleaned

),

versioned as (

    select
        *,
        row_number() over (
            partition by customer_id
            order by
                updated_at desc nulls last,
                {#- exact ties: decided by the raw text, the same way on every run -#}
                raw_signed_up_at, raw_email, raw_first_name, raw_last_name, raw_phone, raw_city,
                raw_country_code, raw_birth_date, raw_gender, raw_company_name,
                raw_referred_by_customer_id, raw_updated_at, raw_customer_id
        ) as version_rank

    from checked

),

classified as (

    select
        *,
        case
            when customer_id is null then 'rejected'
            when version_rank > 1 then 'superseded'
            when row_problem is not null then 'rejected'
            else 'kept'
        end as row_outcome

    from versioned

),

final as (

    select
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
        has_invalid_birth_date,
        has_valid_email,
        version_rank,
        row_outcome,
        case when row_outcome = 'rejected' then row_problem end as reject_reason

    from classified

)

select * from final
