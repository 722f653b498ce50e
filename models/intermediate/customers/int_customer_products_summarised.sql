{#-
    What each customer bought (the optional raw_order_items and raw_products tables;
    docs/customer-types.md, "Novice" and "Category affinity"): whether a purchase of the last
    novice_window_days days up to the as-of date holds a product that needs onboarding, and the
    category the customer spent most on over all purchases up to the as-of date, with its share
    of the spend on categorised items (of the units when that spend is 0). Ties: more units,
    then the category's name. One row per purchaser with at least one kept item.
-#}
{%- set novice_days = segmentation_setting('novice_window_days') -%}

with

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

items as (

    select * from {{ ref('stg_raw__order_items') }}

),

products as (

    select * from {{ ref('stg_raw__products') }}

),

settings as (

    select * from {{ ref('int_settings_resolved') }}

),

bought as (

    select
        purchases.customer_id,
        purchases.order_date,
        items.quantity,
        items.amount,
        products.category,
        coalesce(products.needs_onboarding, false) as needs_onboarding

    from purchases
    inner join items
        on purchases.order_id = items.order_id
    left join products
        on items.product_id = products.product_id

),

onboarding as (

    select
        bought.customer_id,
        max(
            case
                when
                    bought.needs_onboarding
                    and bought.order_date
                    > cast({{ dbt.dateadd('day', -novice_days, 'settings.as_of_date') }} as date)
                    then 1
                else 0
            end
        ) = 1 as has_recent_onboarding_purchase

    from bought
    cross join settings
    group by bought.customer_id

),

category_totals as (

    select
        customer_id,
        category,
        sum(amount) as category_spend,
        sum(quantity) as category_units

    from bought
    where category is not null
    group by customer_id, category

),

ranked as (

    select
        customer_id,
        category,
        category_spend,
        category_units,
        sum(category_spend) over (partition by customer_id) as categorised_spend,
        sum(category_units) over (partition by customer_id) as categorised_units,
        row_number() over (
            partition by customer_id
            order by category_spend desc, category_units desc, category asc
        ) as category_rank

    from category_totals

),

top_categories as (

    select
        customer_id,
        category as top_category,
        case
            when categorised_spend > 0
                then cast(category_spend as {{ type_double() }}) / cast(categorised_spend as {{ type_double() }})
            else cast(category_units as {{ type_double() }}) / cast(categorised_units as {{ type_double() }})
        end as top_category_share

    from ranked
    where category_rank = 1

),

final as (

    select
        onboarding.customer_id,
        onboarding.has_recent_onboarding_purchase,
        top_categories.top_category,
        top_categories.top_category_share

    from onboarding
    left join top_categories
        on onboarding.customer_id = top_categories.customer_id

)

select * from final
