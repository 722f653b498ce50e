{#-
    The BG/NBD and Gamma-Gamma inputs per customer with a purchase on or before the as-of date,
    from purchase days (several purchases on one day are one purchase), in the time unit of the
    var prediction_time_unit: frequency x = purchase days - 1, recency t_x = last - first purchase
    date, T = as-of date - first purchase date, and the average revenue of the repeat purchase
    days (all but the first). Straight from the purchases, as lifetimes'
    summary_data_from_transaction_data computes them: two aggregations and no window
    (int_purchase_days_sequenced numbers the same days for the history, with a sort that this
    model does not need).
-#}
with

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

settings as (

    select * from {{ ref('int_prediction_settings_resolved') }}

),

purchase_days as (

    select
        customer_id,
        order_date as purchase_date,
        sum(amount) as revenue_on_day

    from purchases
    group by customer_id, order_date

),

customer_totals as (

    select
        customer_id,
        count(*) as purchase_days,
        min(purchase_date) as first_order_date,
        max(purchase_date) as last_order_date,
        -- every day's revenue but the first day's
        sum(revenue_on_day) - {{ value_at_first('revenue_on_day', 'purchase_date') }} as repeat_revenue

    from purchase_days
    group by customer_id

),

summarised as (

    select
        customer_totals.customer_id,
        customer_totals.purchase_days - 1 as bgnbd_frequency,
        cast(
            {{ dbt.datediff('customer_totals.first_order_date', 'customer_totals.last_order_date', 'day') }}
            as {{ type_double() }}
        ) / settings.days_per_period as bgnbd_recency,
        cast(
            {{ dbt.datediff('customer_totals.first_order_date', 'settings.as_of_date', 'day') }}
            as {{ type_double() }}
        ) / settings.days_per_period as bgnbd_t,
        case
            when customer_totals.purchase_days > 1
                then
                    cast(customer_totals.repeat_revenue as {{ type_double() }})
                    / (customer_totals.purchase_days - 1)
        end as average_repeat_spend,
        settings.prediction_time_unit,
        settings.as_of_date

    from customer_totals
    cross join settings

)

select * from summarised
