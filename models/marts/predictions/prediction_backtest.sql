{#-
    The back-test of both models of purchase days (docs/predictions.md, "Back-test"), as Fader,
    Hardie & Lee (2005) do: each model fitted on the purchases up to the calibration end date
    (predictive_model_parameters, backtest_* columns), each customer of int_customers_calibrated
    scored in SQL (macro purchase_model_scores) over the holdout period, and compared with the
    purchase days they made in it. Rows per model: the total, one per number of repeat purchase
    days in the calibration period (0 to 6, then 7+: the paper's conditional-expectation table),
    and one per churn-risk band of the calibration P(alive).
-#}
{#- The calibration rows as the scoring macro reads them (no spend: only purchases are compared). -#}
{%- set calibrated_summary = '(select *, cast(null as ' ~ type_double() ~ ') as average_repeat_spend from '
    ~ ref('int_customers_calibrated') ~ ') as calibrated_summary' -%}
with

calibrated as (

    select * from {{ ref('int_customers_calibrated') }}

),

parameters as (

    select * from {{ ref('predictive_model_parameters') }}

),

holdout_settings as (

    -- the holdout period as the horizon of the scores
    select
        cast(backtest_holdout_days as {{ type_double() }}) / days_per_period as prediction_horizon_periods,
        days_per_period

    from parameters

),

scores_bgnbd as (

    {{ purchase_model_scores(
        calibrated_summary,
        purchase_model_parameters(ref('predictive_model_parameters'), 'backtest_bgnbd_', 'bgnbd'),
        'holdout_settings',
        with_clv=false,
        with_90_days=false,
    ) }}

),

scores_mbgnbd as (

    {{ purchase_model_scores(
        calibrated_summary,
        purchase_model_parameters(ref('predictive_model_parameters'), 'backtest_mbgnbd_', 'mbgnbd'),
        'holdout_settings',
        with_clv=false,
        with_90_days=false,
    ) }}

),

scored as (

    select
        'bgnbd' as prediction_model,
        calibrated.customer_id,
        calibrated.bgnbd_frequency,
        calibrated.holdout_purchases,
        scores.p_alive,
        scores.expected_purchases as predicted_holdout_purchases
    from calibrated
    inner join scores_bgnbd as scores
        on calibrated.customer_id = scores.customer_id
    where scores.expected_purchases is not null

    union all

    select
        'mbgnbd' as prediction_model,
        calibrated.customer_id,
        calibrated.bgnbd_frequency,
        calibrated.holdout_purchases,
        scores.p_alive,
        scores.expected_purchases as predicted_holdout_purchases
    from calibrated
    inner join scores_mbgnbd as scores
        on calibrated.customer_id = scores.customer_id
    where scores.expected_purchases is not null

),

bucketed as (

    select
        prediction_model,
        customer_id,
        holdout_purchases,
        predicted_holdout_purchases,
        p_alive,
        case
            when bgnbd_frequency >= 7 then '7+'
            else cast(bgnbd_frequency as {{ dbt.type_string() }})
        end as repeat_purchases_bucket,
        least(bgnbd_frequency, 7) as repeat_purchases_order,
        -- sums of doubles depend on the order the threads add them in; these do not
        cast(predicted_holdout_purchases as decimal(38, 12)) as predicted_exact,
        cast(abs(predicted_holdout_purchases - holdout_purchases) as decimal(38, 12)) as absolute_error_exact,
        cast(p_alive as decimal(38, 12)) as p_alive_exact,
        {{ churn_risk_band('p_alive', 'true') }} as churn_risk_band

    from scored

),

breakdowns as (

    select
        prediction_model,
        'total' as breakdown,
        'all' as bucket,
        0 as bucket_order,
        count(*) as customers,
        sum(predicted_exact) as predicted_holdout_purchases,
        sum(holdout_purchases) as actual_holdout_purchases,
        sum(absolute_error_exact) as absolute_error,
        sum(case when holdout_purchases > 0 then 1 else 0 end) as holdout_buyers,
        sum(p_alive_exact) as p_alive_total
    from bucketed
    group by prediction_model

    union all

    select
        prediction_model,
        'calibration_repeat_purchases' as breakdown,
        repeat_purchases_bucket as bucket,
        repeat_purchases_order as bucket_order,
        count(*) as customers,
        sum(predicted_exact) as predicted_holdout_purchases,
        sum(holdout_purchases) as actual_holdout_purchases,
        sum(absolute_error_exact) as absolute_error,
        sum(case when holdout_purchases > 0 then 1 else 0 end) as holdout_buyers,
        sum(p_alive_exact) as p_alive_total
    from bucketed
    group by prediction_model, repeat_purchases_bucket, repeat_purchases_order

    union all

    select
        prediction_model,
        'churn_risk_band' as breakdown,
        churn_risk_band as bucket,
        case churn_risk_band when 'high' then 1 when 'medium' then 2 else 3 end as bucket_order,
        count(*) as customers,
        sum(predicted_exact) as predicted_holdout_purchases,
        sum(holdout_purchases) as actual_holdout_purchases,
        sum(absolute_error_exact) as absolute_error,
        sum(case when holdout_purchases > 0 then 1 else 0 end) as holdout_buyers,
        sum(p_alive_exact) as p_alive_total
    from bucketed
    group by prediction_model, churn_risk_band

),

final as (

    select
        cast(breakdowns.prediction_model as {{ dbt.type_string() }}) as prediction_model,
        breakdowns.prediction_model = parameters.prediction_model as is_chosen_model,
        cast(breakdowns.breakdown as {{ dbt.type_string() }}) as breakdown,
        cast(breakdowns.bucket as {{ dbt.type_string() }}) as bucket,
        cast(breakdowns.bucket_order as integer) as bucket_order,
        cast(breakdowns.customers as {{ dbt.type_bigint() }}) as customers,
        cast(breakdowns.predicted_holdout_purchases as {{ type_double() }}) as predicted_holdout_purchases,
        cast(breakdowns.actual_holdout_purchases as {{ dbt.type_bigint() }}) as actual_holdout_purchases,
        cast(breakdowns.predicted_holdout_purchases as {{ type_double() }})
        / breakdowns.customers as mean_predicted_holdout_purchases,
        cast(breakdowns.actual_holdout_purchases as {{ type_double() }})
        / breakdowns.customers as mean_actual_holdout_purchases,
        cast(breakdowns.absolute_error as {{ type_double() }}) / breakdowns.customers as mean_absolute_error,
        cast(breakdowns.holdout_buyers as {{ type_double() }}) / breakdowns.customers as holdout_buyer_share,
        cast(breakdowns.p_alive_total as {{ type_double() }}) / breakdowns.customers as mean_p_alive,
        cast(parameters.calibration_end_date as date) as calibration_end_date,
        cast(parameters.backtest_holdout_days as {{ dbt.type_bigint() }}) as holdout_days,
        cast(parameters.as_of_date as date) as as_of_date

    from breakdowns
    cross join parameters

)

select * from final
