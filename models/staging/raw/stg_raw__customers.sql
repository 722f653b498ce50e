with

customer_versions as (

    select * from {{ ref('base_raw__customers') }}

),

current_customers as (

    select
        customer_id,
        first_name,
        last_name,
        email,
        has_valid_email,
        phone,
        has_valid_phone,
        signed_up_at,
        cast(signed_up_at as date) as signed_up_date,
        country_code,
        city,
        birth_date,
        has_invalid_birth_date,
        gender,
        company_name,
        referred_by_customer_id,
        accepts_marketing,
        updated_at

    from customer_versions
    where row_outcome = 'kept'

)

select * from current_customers
