with

orders as (

    select * from {{ ref('stg_raw__orders') }}

),

customers as (

    select * from {{ ref('stg_raw__customers') }}

),

validated as (

    select
        orders.order_id,
        orders.customer_id,
        orders.ordered_at,
        orders.order_date,
        orders.status,
        orders.channel,
        orders.amount,
        orders.discount_amount,
        orders.updated_at,
        customers.customer_id is not null as has_known_customer,
        (
            orders.status in ({{ quoted_list(purchase_statuses()) }})
            and orders.amount >= {{ segmentation_setting('min_purchase_amount') }}
        ) as is_purchase

    from orders
    left join customers
        on orders.customer_id = customers.customer_id

)

select * from validated
