{{ config(enabled=target.type == 'duckdb') }}
-- The back-test's mean absolute error computed in SQL (prediction_backtest, total rows) equals the
-- one the fit computed in Python to choose the model (predictive_model_parameters), to 1e-6
-- relative (the bound of the SQL scores against lifetimes, assert_sql_scores_match_python_scores),
-- for each model fitted on the calibration period; and a model has total rows exactly when it was
-- fitted there. Returns one row per disagreement. Not 1e-9: at the large r and b of steady buyers
-- scipy's hyp2f1 is off by some 1e-12, which 1 - (1 - z)^(r + x) 2F1 turns into 1e-8 per customer
-- (the SQL series is closer); the dense shape at 10M orders put the two errors 1.4e-9 apart.
with

parameters as (

    select * from {{ ref('predictive_model_parameters') }}

),

totals as (

    select * from {{ ref('prediction_backtest') }}
    where breakdown = 'total'

),

fit_errors as (

    select
        'bgnbd' as prediction_model,
        backtest_bgnbd_mean_absolute_error as fit_error
    from parameters
    where backtest_bgnbd_fit_status = 'fitted'

    union all

    select
        'mbgnbd' as prediction_model,
        backtest_mbgnbd_mean_absolute_error as fit_error
    from parameters
    where backtest_mbgnbd_fit_status = 'fitted'

),

compared as (

    select
        fit_errors.fit_error,
        totals.mean_absolute_error as sql_error,
        coalesce(fit_errors.prediction_model, totals.prediction_model) as prediction_model

    from fit_errors
    full outer join totals
        on fit_errors.prediction_model = totals.prediction_model

)

select * from compared
where
    fit_error is null
    or sql_error is null
    or abs(fit_error - sql_error) > 1e-6 * greatest(abs(fit_error), 1e-12)
