{#-
    Every rejected raw customer row with its whole raw text, personal fields included, and the
    reason: the data-quality view of rejected_customers. In schema quarantine, which is not
    published and which the BI role cannot read (docs/personal-data.md).
-#}
with

customer_versions as (

    select * from {{ ref('base_raw__customers') }}

),

rejected as (

    select
        reject_reason,
        source_file,
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
