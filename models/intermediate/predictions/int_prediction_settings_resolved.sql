{#- The settings of the predictive scores in force for this build, as read by prediction_setting. -#}
{%- set calibration_end_var = prediction_setting('prediction_calibration_end_date') -%}
{%- if calibration_end_var is none -%}
    {%- set horizon_days = prediction_setting('prediction_horizon_days') -%}
    {%- set calibration_end = 'cast(' ~ dbt.dateadd('day', -horizon_days, 'as_of_date') ~ ' as date)' -%}
{%- else -%}
    {%- set calibration_end = "cast('" ~ calibration_end_var ~ "' as date)" -%}
{%- endif %}
with

settings as (

    select * from {{ ref('int_settings_resolved') }}

),

resolved as (

    select
        as_of_date,
        '{{ prediction_setting("prediction_time_unit") }}' as prediction_time_unit,
        {{ prediction_setting('days_per_period') }} as days_per_period,
        {{ prediction_setting('prediction_horizon_days') }} as prediction_horizon_days,
        cast({{ prediction_setting('prediction_horizon_days') }} as {{ type_double() }})
        / {{ prediction_setting('days_per_period') }} as prediction_horizon_periods,
        {{ prediction_setting('high_churn_risk_below_p_alive') }} as high_churn_risk_below_p_alive,
        {{ prediction_setting('medium_churn_risk_below_p_alive') }} as medium_churn_risk_below_p_alive,
        '{{ prediction_setting("prediction_model") }}' as prediction_model,
        {{ calibration_end }} as calibration_end_date,
        {{ prediction_setting('clv_monthly_discount_rate') }} as clv_monthly_discount_rate,
        {{ prediction_setting('clv_horizon_months') }} as clv_horizon_months,
        {{ prediction_setting('prediction_refit_days') }} as prediction_refit_days,
        {{ prediction_setting('prediction_refit') }} as is_refit_requested,
        {{ segmentation_setting('segmentation_using_predictions') }} as is_fit_enabled

    from settings

),

with_holdout as (

    select
        *,
        {{ dbt.datediff('calibration_end_date', 'as_of_date', 'day') }}
            as backtest_holdout_days

    from resolved

)

select * from with_holdout
