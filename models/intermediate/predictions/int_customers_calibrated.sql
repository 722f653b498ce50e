{#-
    The back-test's inputs (docs/predictions.md, "Back-test"): one row per customer whose first
    purchase day is on or before the calibration end date, with the BG/NBD inputs as they stood
    at that date (frequency, recency and T of the purchase days up to it, in the time unit of
    prediction_time_unit) and the purchase days they made after it, up to the as-of date.
-#}
with

purchase_days as (

    select * from {{ ref('int_purchase_days_sequenced') }}

),

settings as (

    select * from {{ ref('int_prediction_settings_resolved') }}

),

split as (

    select
        purchase_days.customer_id,
        purchase_days.purchase_date,
        settings.calibration_end_date,
        purchase_days.purchase_date <= settings.calibration_end_date as is_calibration_day

    from purchase_days
    cross join settings

),

customer_totals as (

    select
        customer_id,
        calibration_end_date,
        sum(case when is_calibration_day then 1 else 0 end) as calibration_purchase_days,
        min(case when is_calibration_day then purchase_date end) as first_order_date,
        max(case when is_calibration_day then purchase_date end) as last_calibration_order_date,
        sum(case when is_calibration_day then 0 else 1 end) as holdout_purchases

    from split
    group by customer_id, calibration_end_date

),

calibrated as (

    select
        customer_totals.customer_id,
        customer_totals.calibration_purchase_days - 1 as bgnbd_frequency,
        cast(
            {{ dbt.datediff(
                'customer_totals.first_order_date',
                'customer_totals.last_calibration_order_date',
                'day',
            ) }}
            as {{ type_double() }}
        ) / settings.days_per_period as bgnbd_recency,
        cast(
            {{ dbt.datediff('customer_totals.first_order_date', 'settings.calibration_end_date', 'day') }}
            as {{ type_double() }}
        ) / settings.days_per_period as bgnbd_t,
        customer_totals.holdout_purchases,
        cast(settings.backtest_holdout_days as {{ type_double() }})
        / settings.days_per_period as holdout_periods,
        settings.calibration_end_date,
        settings.as_of_date

    from customer_totals
    cross join settings
    where customer_totals.calibration_purchase_days > 0

)

select * from calibrated
