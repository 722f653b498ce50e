{#- The settings of the predictive scores in force for this build, as read by prediction_setting. -#}
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
        {{ segmentation_setting('segmentation_using_predictions') }} as is_fit_enabled

    from settings

)

select * from resolved
