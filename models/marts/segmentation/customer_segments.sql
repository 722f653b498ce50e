{#- Lifecycle ladder: the first rule that matches wins (see the README, "Segment definitions"). -#}
with

customers as (

    select * from {{ ref('int_customers_aggregated') }}

),

predictions as (

    select * from {{ ref('customer_predictions') }}

),

labelled as (

    select
        customer_id,
        {{ lifecycle_segment_case() }} as lifecycle_segment,
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

),

with_predictions as (

    select
        labelled.*,
        predictions.p_alive,
        predictions.expected_purchases,
        cast(predictions.expected_spend_per_purchase as decimal(18, 2)) as expected_spend_per_purchase,
        cast(predictions.expected_revenue as decimal(18, 2)) as expected_revenue,
        predictions.prediction_horizon_days,
        {{ churn_risk_band('predictions.p_alive') }} as predicted_churn_risk

    from labelled
    left join predictions
        on labelled.customer_id = predictions.customer_id

)

select * from with_predictions
