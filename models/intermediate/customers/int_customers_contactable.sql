{#-
    Whether each customer of the as-of population may be contacted (docs/playbook.md, "Audiences"):
    marketing consent (raw accepts_marketing; when absent or unreadable, the var
    marketing_consent_default) and a valid email or phone. Flags only: the contact details stay
    in staging and schema audiences.
-#}
with

population as (

    select * from {{ ref('int_customers_aggregated') }}

),

customers as (

    select * from {{ ref('stg_raw__customers') }}

),

flags as (

    select
        population.customer_id,
        coalesce(customers.accepts_marketing, {{ segmentation_setting('marketing_consent_default') }})
            as accepts_marketing,
        coalesce(customers.has_valid_email, false) as has_valid_email,
        coalesce(customers.has_valid_phone, false) as has_valid_phone

    from population
    left join customers
        on population.customer_id = customers.customer_id

),

final as (

    select
        customer_id,
        accepts_marketing,
        has_valid_email,
        has_valid_phone,
        accepts_marketing and (has_valid_email or has_valid_phone) as is_contactable

    from flags

)

select * from final
