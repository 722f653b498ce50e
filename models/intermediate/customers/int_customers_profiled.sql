{#-
    Profile overlays (docs/rules.md, "Overlays"): business customer, referrer, age band on the as-of
    date, region of the country and region within the country (subregion, from the city or
    province: docs/customer-types.md). Names, emails, phones and birth dates stay in staging.
-#}
{%- set max_age = segmentation_setting('max_plausible_age') -%}

with

population as (

    select * from {{ ref('int_customers_aggregated') }}

),

customers as (

    select * from {{ ref('stg_raw__customers') }}

),

country_regions as (

    select * from {{ ref('country_regions') }}

),

subregions as (

    select * from {{ ref('subregions') }}

),

referrals as (

    -- customers of the as-of population referred by someone other than themselves
    select
        customers.referred_by_customer_id as customer_id,
        count(*) as referred_customers

    from population
    inner join customers
        on population.customer_id = customers.customer_id
    where customers.referred_by_customer_id != customers.customer_id
    group by customers.referred_by_customer_id

),

profiles as (

    select
        population.customer_id,
        customers.country_code,
        country_regions.region,
        {{ place_key('customers.city') }} as place_key,
        customers.company_name is not null as is_b2b,
        coalesce(referrals.referred_customers, 0) as referred_customers,
        {{ age_in_years('customers.birth_date', 'population.as_of_date') }} as age_years

    from population
    inner join customers
        on population.customer_id = customers.customer_id
    left join country_regions
        on customers.country_code = country_regions.country_code
    left join referrals
        on population.customer_id = referrals.customer_id

),

placed as (

    select
        profiles.*,
        subregions.subregion

    from profiles
    left join subregions
        on
            profiles.country_code = subregions.country_code
            and profiles.place_key = subregions.place_key

),

final as (

    select
        customer_id,
        country_code,
        coalesce(region, 'unknown') as region,
        place_key,
        subregion,
        age_years,
        case
            when age_years is null or age_years < 0 or age_years > {{ max_age }} then 'unknown'
            {%- for label, lowest_age in age_bands() | reverse %}
                when age_years >= {{ lowest_age }} then '{{ label }}'
            {%- endfor %}
        end as age_band,
        is_b2b,
        referred_customers,
        referred_customers >= {{ segmentation_setting('referrer_min_referrals') }} as is_referrer

    from placed

)

select * from final
