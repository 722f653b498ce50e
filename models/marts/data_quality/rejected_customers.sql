with

customer_versions as (

    select * from {{ ref('base_raw__customers') }}

),

rejected as (

    select
        reject_reason,
        customer_id,
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
        raw_updated_at

    from customer_versions
    where row_outcome = 'rejected'

)

select * from rejected
