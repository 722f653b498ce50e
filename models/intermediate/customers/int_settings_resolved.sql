{%- set as_of_date = segmentation_setting('as_of_date') -%}

with

orders as (

    select * from {{ ref('int_orders_validated') }}

),

customers as (

    select * from {{ ref('stg_raw__customers') }}

),

latest_dates as (

    select
        (
            select max(order_date) from orders
            where is_purchase and has_known_customer and order_date <= {{ run_date() }}
        ) as latest_purchase_date,
        (
            select max(signed_up_date) from customers
            where signed_up_date <= {{ run_date() }}
        ) as latest_sign_up_date

),

resolved as (

    select
        {% if as_of_date is none -%}
            coalesce(latest_purchase_date, latest_sign_up_date, {{ run_date() }})
        {%- else -%}
            cast('{{ as_of_date }}' as date)
        {%- endif %} as as_of_date,
        {{ 'false' if as_of_date is none else 'true' }} as is_as_of_date_set,
        {{ segmentation_setting('min_purchase_amount') }} as min_purchase_amount,
        {{ segmentation_setting('new_customer_days') }} as new_customer_days,
        {{ segmentation_setting('at_risk_multiplier') }} as at_risk_multiplier,
        {{ segmentation_setting('lapsed_multiplier') }} as lapsed_multiplier,
        {{ segmentation_setting('churned_multiplier') }} as churned_multiplier,
        {{ segmentation_setting('loyal_min_orders') }} as loyal_min_orders,
        {{ segmentation_setting('loyal_min_tenure_days') }} as loyal_min_tenure_days,
        {{ segmentation_setting('min_purchase_days_for_own_cycle') }}
            as min_purchase_days_for_own_cycle,
        {{ segmentation_setting('value_tier_vip_share') }} as value_tier_vip_share,
        {{ segmentation_setting('value_tier_high_share') }} as value_tier_high_share,
        {{ segmentation_setting('value_tier_medium_share') }} as value_tier_medium_share,
        {{ segmentation_setting('bargain_min_discount_amount') }} as bargain_min_discount_amount,
        {{ segmentation_setting('bargain_min_discounted_share') }} as bargain_min_discounted_share,
        {{ segmentation_setting('bargain_min_purchases') }} as bargain_min_purchases,
        '{{ segmentation_setting('seasonal_months') | join(',') }}' as seasonal_months,
        {{ segmentation_setting('seasonal_min_share') }} as seasonal_min_share,
        {{ segmentation_setting('seasonal_min_years') }} as seasonal_min_years,
        {{ segmentation_setting('omnichannel_min_channels') }} as omnichannel_min_channels,
        {{ segmentation_setting('referrer_min_referrals') }} as referrer_min_referrals,
        {{ segmentation_setting('infrequent_multiplier') }} as infrequent_multiplier,
        {{ segmentation_setting('max_plausible_age') }} as max_plausible_age,
        '{{ segmentation_setting('weekend_days') | join(',') }}' as weekend_days,
        {{ segmentation_setting('weekend_min_purchase_days') }} as weekend_min_purchase_days,
        {{ segmentation_setting('weekend_min_share') }} as weekend_min_share,
        {{ segmentation_setting('holiday_min_share') }} as holiday_min_share,
        {{ segmentation_setting('holiday_min_years') }} as holiday_min_years,
        {{ segmentation_setting('anniversary_window_days') }} as anniversary_window_days,
        {{ segmentation_setting('anniversary_min_purchase_days') }} as anniversary_min_purchase_days,
        {{ segmentation_setting('anniversary_min_share') }} as anniversary_min_share,
        {{ segmentation_setting('anniversary_min_years') }} as anniversary_min_years,
        {{ segmentation_setting('suspect_min_tenure_days') }} as suspect_min_tenure_days,
        {{ segmentation_setting('suspect_min_lift') }} as suspect_min_lift,
        {{ segmentation_setting('suspect_min_cell_customers') }} as suspect_min_cell_customers,
        {{ segmentation_setting('unhappy_window_days') }} as unhappy_window_days,
        {{ segmentation_setting('unhappy_min_orders') }} as unhappy_min_orders,
        {{ segmentation_setting('unhappy_min_returned_share') }} as unhappy_min_returned_share

    from latest_dates

)

select * from resolved
