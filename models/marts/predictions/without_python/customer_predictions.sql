{#-
    customer_predictions on engines without dbt Python models (dbt_project.yml enables this
    folder off DuckDB): the same columns, one row per customer of
    int_customers_summarised, scored in SQL (macro purchase_model_scores) from the parameters
    of the var `prediction_parameters`, for example those of a DuckDB build's
    predictive_model_parameters; without that var the scores are empty. On DuckDB the Python
    model of the same name (one folder up) fits and scores instead; this file is disabled there.
-#}
with

summary as (

    select * from {{ ref('int_customers_summarised') }}

),

settings as (

    select * from {{ ref('int_prediction_settings_resolved') }}

),

scores as (

    {{ purchase_model_scores(
        ref('int_customers_summarised'),
        supplied_prediction_parameters(),
        ref('int_prediction_settings_resolved'),
    ) }}

),

scored as (

    select
        summary.customer_id,
        summary.bgnbd_frequency,
        summary.bgnbd_recency,
        summary.bgnbd_t,
        summary.average_repeat_spend,
        summary.prediction_time_unit,
        scores.prediction_model,
        scores.p_alive,
        scores.expected_purchases,
        scores.expected_purchases_90d,
        scores.expected_spend_per_purchase,
        scores.expected_revenue,
        scores.customer_lifetime_value,
        settings.prediction_horizon_days,
        summary.as_of_date

    from summary
    inner join scores
        on summary.customer_id = scores.customer_id
    cross join settings

)

select * from scored
