{{ config(enabled=target.type == 'duckdb') }}
-- The scores computed in SQL from the stored parameters (macro purchase_model_scores) equal the
-- Python model's (customer_predictions, scipy's hyp2f1) to 1e-9 relative, for every customer:
-- the SQL scoring can replace the Python one on any engine. Returns one row per disagreement.
with

sql_scores as (

    {{ purchase_model_scores(
        ref('int_customers_summarised'),
        purchase_model_parameters(ref('predictive_model_parameters')),
        ref('int_prediction_settings_resolved'),
    ) }}

),

python_scores as (

    select * from {{ ref('customer_predictions') }}

),

compared as (

    select
        python_scores.customer_id,
        score.name as score_name,
        score.python_value,
        score.sql_value

    from python_scores
    left join sql_scores
        on python_scores.customer_id = sql_scores.customer_id
    cross join lateral (
        values
        ('p_alive', python_scores.p_alive, sql_scores.p_alive),
        ('expected_purchases', python_scores.expected_purchases, sql_scores.expected_purchases),
        (
            'expected_purchases_90d',
            python_scores.expected_purchases_90d,
            sql_scores.expected_purchases_90d
        ),
        (
            'expected_spend_per_purchase',
            python_scores.expected_spend_per_purchase,
            sql_scores.expected_spend_per_purchase
        ),
        ('expected_revenue', python_scores.expected_revenue, sql_scores.expected_revenue),
        (
            'customer_lifetime_value',
            python_scores.customer_lifetime_value,
            sql_scores.customer_lifetime_value
        )
    ) as score (name, python_value, sql_value)

),

disagreements as (

    select
        customer_id,
        score_name,
        python_value,
        sql_value
    from compared
    where
        (python_value is null) != (sql_value is null)
        or abs(python_value - sql_value) > 1e-9 * greatest(abs(python_value), 1e-12)

    union all

    -- the same model of purchase days on both sides
    select
        python_scores.customer_id,
        'prediction_model' as score_name,
        null as python_value,
        null as sql_value
    from python_scores
    left join sql_scores
        on python_scores.customer_id = sql_scores.customer_id
    where python_scores.prediction_model is distinct from sql_scores.prediction_model

)

select * from disagreements
