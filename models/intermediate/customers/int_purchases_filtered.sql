with

orders as (

    select * from {{ ref('int_orders_validated') }}

),

settings as (

    select * from {{ ref('int_settings_resolved') }}

),

purchases as (

    select
        orders.order_id,
        orders.customer_id,
        orders.order_date,
        orders.channel,
        orders.amount,
        orders.discount_amount

    from orders
    cross join settings
    where
        orders.is_purchase
        and orders.has_known_customer
        and orders.order_date <= settings.as_of_date

)

select * from purchases
