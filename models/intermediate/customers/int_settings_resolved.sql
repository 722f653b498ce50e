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
            where is_purchase and has_known_customer
        ) as latest_purchase_date,
        (select max(signed_up_date) from customers) as latest_sign_up_date

),

resolved as (

    select
        {% if as_of_date is none -%}
            coalesce(latest_purchase_date, latest_sign_up_date)
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
            as min_purchase_days_for_own_cycle

    from latest_dates

)

select * from resolved
