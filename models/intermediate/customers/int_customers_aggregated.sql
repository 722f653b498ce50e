{#- The figures come from the customer_figures macro, shared with customer_segment_history. -#}
with

customers as (

    select * from {{ ref('stg_raw__customers') }}

),

purchase_days as (

    select * from {{ ref('int_purchase_days_sequenced') }}

),

settings as (

    select * from {{ ref('int_settings_resolved') }}

),

{{ customer_figures('customers', 'purchase_days', 'settings') }},

final as (

    select
        customer_id,
        signed_up_date,
        order_count,
        purchase_days,
        first_order_date,
        last_order_date,
        days_since_first_order,
        days_since_last_order,
        own_interval_days,
        baseline_interval_days,
        as_of_date,
        total_revenue,
        average_order_value,
        expected_interval_days

    from customer_figures

)

select * from final
