with

order_versions as (

    select * from {{ ref('base_raw__orders') }}

),

current_orders as (

    select
        order_id,
        customer_id,
        ordered_at,
        order_date,
        status,
        channel,
        amount,
        discount_amount,
        has_invalid_discount_amount,
        updated_at

    from order_versions
    where row_outcome = 'kept'

)

select * from current_orders
