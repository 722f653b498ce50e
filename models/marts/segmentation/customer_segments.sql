{#- Lifecycle ladder: the first rule that matches wins (see the README, "Segment definitions"). -#}
with

customers as (

    select * from {{ ref('int_customers_aggregated') }}

),

labelled as (

    select
        customer_id,
        case
            when purchase_days = 0
                then 'prospect'
            when days_since_first_order <= {{ segmentation_setting('new_customer_days') }}
                then 'new'
            when days_since_last_order > {{ segmentation_setting('churned_multiplier') }} * expected_interval_days
                then 'churned'
            when days_since_last_order > {{ segmentation_setting('lapsed_multiplier') }} * expected_interval_days
                then 'lapsed'
            when days_since_last_order > {{ segmentation_setting('at_risk_multiplier') }} * expected_interval_days
                then 'at_risk'
            when
                order_count >= {{ segmentation_setting('loyal_min_orders') }}
                and days_since_first_order >= {{ segmentation_setting('loyal_min_tenure_days') }}
                then 'loyal'
            when purchase_days >= 2
                then 'repeat'
            else 'active'
        end as lifecycle_segment,
        order_count,
        purchase_days,
        signed_up_date,
        first_order_date,
        last_order_date,
        days_since_first_order,
        days_since_last_order,
        own_interval_days,
        expected_interval_days,
        baseline_interval_days,
        total_revenue,
        average_order_value,
        as_of_date

    from customers

)

select * from labelled
