with

order_versions as (

    select * from {{ ref('base_raw__orders') }}

),

orders as (

    select * from {{ ref('int_orders_validated') }}

),

rejected as (

    select
        order_versions.order_id,
        order_versions.raw_order_id,
        order_versions.raw_customer_id,
        order_versions.raw_ordered_at,
        order_versions.raw_status,
        order_versions.raw_channel,
        order_versions.raw_amount,
        order_versions.raw_discount_amount,
        order_versions.raw_updated_at,
        coalesce(order_versions.reject_reason, 'unknown_customer') as reject_reason

    from order_versions
    left join orders
        on
            order_versions.row_outcome = 'kept'
            and order_versions.order_id = orders.order_id
    where
        order_versions.row_outcome = 'rejected'
        or (order_versions.row_outcome = 'kept' and not orders.has_known_customer)

)

select * from rejected
