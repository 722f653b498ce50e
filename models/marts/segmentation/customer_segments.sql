{#- Lifecycle ladder: the first rule that matches wins (see the README, "Segment definitions"). -#}
with

customers as (

    select * from {{ ref('int_customers_aggregated') }}

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

)

select * from labelled
