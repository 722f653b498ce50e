{{ config(enabled=target.type == 'duckdb') }}
-- The scores computed in SQL from the stored parameters (macro purchase_model_scores) equal the
-- Python model's (customer_predictions, scipy's hyp2f1) to 1e-6 relative, the bound the SQL
-- scoring is held to against lifetimes: it can replace the Python one on any engine. Both sides
-- compute in doubles, and a fit of customers who all buy at a steady rate (r and b in the tens of
-- thousands) leaves them fewer digits: 6e-8 apart on the benchmark's dense shape at 1M orders,
-- where 1e-9 failed the build. Returns one row per disagreement.
-- Every customer is checked when the purchasers have at most `max_checked_patterns` distinct
-- (frequency, age) patterns, the series' inputs; beyond that, the customers of that many patterns
-- picked by a hash of the pattern, and of the extreme patterns (the highest frequency, the
-- oldest and the youngest), so that the check costs the same on a million customers as on the
-- sample. tools/tests/test_sql_scoring.py compares the SQL scores with lifetimes on whole data sets.
{%- set max_checked_patterns = 2000 %}
with

summary as (

    select * from {{ ref('int_customers_summarised') }}

),

patterns as (

    select distinct
        bgnbd_frequency,
        bgnbd_t
    from summary

),

ranked_patterns as (

    select
        bgnbd_frequency,
        bgnbd_t,
        row_number() over (order by hash(bgnbd_frequency, bgnbd_t), bgnbd_frequency, bgnbd_t)
            as sample_rank,
        bgnbd_frequency = max(bgnbd_frequency) over ()
        or bgnbd_t = max(bgnbd_t) over ()
        or bgnbd_t = min(bgnbd_t) over () as is_extreme
    from patterns

),

checked_customers as (

    select summary.*
    from summary
    inner join ranked_patterns
        on
            summary.bgnbd_frequency = ranked_patterns.bgnbd_frequency
            and summary.bgnbd_t = ranked_patterns.bgnbd_t
    where ranked_patterns.sample_rank <= {{ max_checked_patterns }} or ranked_patterns.is_extreme

),

sql_scores as (

    {{ purchase_model_scores(
        'checked_customers',
        purchase_model_parameters(ref('predictive_model_parameters')),
        ref('int_prediction_settings_resolved'),
    ) }}

),

python_scores as (

    select predictions.*
    from {{ ref('customer_predictions') }} as predictions
    inner join checked_customers
        on predictions.customer_id = checked_customers.customer_id

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
        or abs(python_value - sql_value) > 1e-6 * greatest(abs(python_value), 1e-12)

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
