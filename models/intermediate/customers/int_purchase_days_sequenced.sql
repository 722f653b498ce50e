with

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

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
