{#-
    The BG/NBD and Gamma-Gamma inputs per customer with a purchase on or before the as-of date,
    from purchase days (several purchases on one day are one purchase), in the time unit of the
    var prediction_time_unit: frequency x = purchase days - 1, recency t_x = last - first purchase
    date, T = as-of date - first purchase date, and the average revenue of the repeat purchase
    days (all but the first).
-#}
with

purchase_days as (

    select * from {{ ref('int_purchase_days_sequenced') }}

),

settings as (

    select * from {{ ref('int_prediction_settings_resolved') }}

),

customer_totals as (

    select
        customer_id,
        count(*) as purchase_days,
        min(purchase_date) as first_order_date,
        max(purchase_date) as last_order_date,
        sum(case when purchase_day_number > 1 then revenue_on_day end) as repeat_revenue

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
