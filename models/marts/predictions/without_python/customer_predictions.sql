{#-
    customer_predictions on engines without dbt Python models (see the macro
    `python_models_supported`): the same columns, one row per customer of
    int_customers_summarised, the BG/NBD inputs filled and the scores empty. On DuckDB the Python
    model of the same name (one folder up) fits and scores instead; this file is disabled there.
-#}
with

summary as (

    select * from {{ ref('int_customers_summarised') }}

),

settings as (

    select * from {{ ref('int_prediction_settings_resolved') }}

),

unscored as (

    select
        summary.customer_id,
        summary.bgnbd_frequency,
        summary.bgnbd_recency,
        summary.bgnbd_t,
        summary.average_repeat_spend,
        summary.prediction_time_unit,
        cast(null as {{ type_double() }}) as p_alive,
        cast(null as {{ type_double() }}) as expected_purchases,
        cast(null as {{ type_double() }}) as expected_purchases_90d,
        cast(null as {{ type_double() }}) as expected_spend_per_purchase,
        cast(null as {{ type_double() }}) as expected_revenue,
        settings.prediction_horizon_days,
        summary.as_of_date

    from summary
    cross join settings

)

select * from unscored
