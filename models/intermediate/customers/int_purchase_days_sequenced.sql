with

orders as (

    select * from {{ ref('int_orders_validated') }}

),

settings as (

    select * from {{ ref('int_settings_resolved') }}

),

purchases as (

    select
        orders.customer_id,
        orders.order_date,
        orders.amount

    from orders
    cross join settings
    where
        orders.is_purchase
        and orders.has_known_customer
        and orders.order_date <= settings.as_of_date

),

purchase_days as (

    select
        customer_id,
        order_date as purchase_date,
        count(*) as orders_on_day,
        sum(amount) as revenue_on_day

    from purchases
    group by customer_id, order_date

),

sequenced as (

    select
        customer_id,
        purchase_date,
        orders_on_day,
        revenue_on_day,
        row_number() over (
            partition by customer_id order by purchase_date
        ) as purchase_day_number,
        lag(purchase_date) over (
            partition by customer_id order by purchase_date
        ) as previous_purchase_date

    from purchase_days

),

final as (

    select
        customer_id,
        purchase_date,
        orders_on_day,
        revenue_on_day,
        purchase_day_number,
        previous_purchase_date,
        {{ dbt.datediff('previous_purchase_date', 'purchase_date', 'day') }}
            as days_since_previous_purchase

    from sequenced

)

select * from final
