{#-
    The predictive scores in SQL, from stored parameters: P(alive) and the expected purchase days
    of the BG/NBD model (Fader, Hardie & Lee 2005, eq. 10 and 11) and the Gamma-Gamma expected
    spend per purchase day (Fader & Hardie 2013, eq. 5), on every engine (no Python, no special
    function but ln and exp).

    purchase_model_scores(summary, parameters, settings) is a select statement with one row per
    customer of `summary` (columns of int_customers_summarised); `parameters` is a relation with
    one row and the columns r, alpha, a, b, p, q, v of predictive_model_parameters (null when a
    model is not fitted: its scores are null), `settings` the row of
    int_prediction_settings_resolved. Each argument is a relation or a table name.

    The Gaussian hypergeometric function 2F1 of the expected purchases is summed as its power
    series, sum over k of (A)_k (B)_k / ((C)_k k!) z^k, with z = t / (alpha + T + t) < 1. It
    depends on the frequency x and the age T alone (not the recency), so it is summed once per
    distinct (x, T), not once per customer. Each term is the previous one times
    (A + k - 1)(B + k - 1) / ((C + k - 1) k) z, as a running sum of logarithms with its sign. Two
    forms of the same value are summed: the direct one, (1 - z)^(r + x) 2F1(r + x, b + x; C; z), and
    Euler's transformation, (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1; C; z), C = a + b + x - 1. Of
    the forms whose series converged (last term below 1e-17 of the largest, and falling), the one
    with the smaller largest term is taken: it loses the fewest digits to cancellation. A pattern
    for which neither converged within `max_terms` terms (z very close to 1: a horizon far longer
    than alpha + T) gets null expected purchases.
-#}
{% macro purchase_model_scores(summary, parameters, settings, max_terms=4000, with_clv=true, with_90_days=true) %}
{%- set clv_months = prediction_setting('clv_horizon_months') if with_clv else 0 -%}
with

scoring_summary as (

    select * from {{ summary }}

),

scoring_parameters as (

    select
        coalesce(prediction_model, 'bgnbd') as prediction_model,
        case when prediction_model = 'mbgnbd' then 1 else 0 end as shift,
        cast(r as {{ type_double() }}) as r,
        cast(alpha as {{ type_double() }}) as alpha,
        cast(a as {{ type_double() }}) as a,
        cast(b as {{ type_double() }}) as b,
        cast(p as {{ type_double() }}) as p,
        cast(q as {{ type_double() }}) as q,
        cast(v as {{ type_double() }}) as v
    from {{ parameters }}

),

scoring_settings as (

    select * from {{ settings }}

),

scoring_horizons as (

    select
        'horizon' as horizon_name,
        cast(null as {{ dbt.type_int() }}) as horizon_month,
        cast(prediction_horizon_periods as {{ type_double() }}) as horizon_periods
    from scoring_settings
    {%- if with_90_days %}

    union all

    select
        'fixed_90_days' as horizon_name,
        cast(null as {{ dbt.type_int() }}) as horizon_month,
        cast(90 as {{ type_double() }}) / days_per_period as horizon_periods
    from scoring_settings
    {%- endif %}
    {%- for month in range(1, clv_months + 1) %}

    union all

    select
        'month_{{ month }}' as horizon_name,
        {{ month }} as horizon_month,
        cast({{ month }} * 365.25 / 12 as {{ type_double() }}) / days_per_period as horizon_periods
    from scoring_settings
    {%- endfor %}

),

scoring_series_forms as (

    select 'direct' as series_form

    union all

    select 'euler' as series_form

),

scoring_term_numbers as (

    select generated_number - 1 as k
    from ({{ dbt.generate_series(max_terms) }}) as numbers

),

scoring_patterns as (

    select distinct
        cast(bgnbd_frequency as {{ type_double() }}) as x,
        cast(bgnbd_t as {{ type_double() }}) as age
    from scoring_summary as summary

),

{#- One series per pattern, horizon and form: its parameters A, B, C, z and the power of
    (1 - z) in front of it; scoring_series_sized says how many terms to sum. -#}
scoring_series as (

    select
        patterns.x,
        patterns.age,
        horizons.horizon_name,
        series_forms.series_form,
        horizons.horizon_periods / (parameters.alpha + patterns.age + horizons.horizon_periods) as z,
        case series_forms.series_form
            when 'direct' then parameters.r + patterns.x
            else parameters.a + parameters.b - 1 - parameters.r + parameters.shift
        end as series_a,
        case series_forms.series_form
            when 'direct' then parameters.b + patterns.x + parameters.shift
            else parameters.a - 1
        end as series_b,
        parameters.a + parameters.b + patterns.x - 1 + parameters.shift as series_c,
        case series_forms.series_form
            when 'direct' then parameters.r + patterns.x
            else parameters.a - 1
        end as prefactor_power

    from scoring_patterns as patterns
    cross join scoring_horizons as horizons
    cross join scoring_series_forms as series_forms
    cross join scoring_parameters as parameters
    where parameters.r is not null

),

{#- How many terms to sum. Term k + 1 is term k times (A + k)(B + k) z / ((C + k)(k + 1)), so
    the terms grow while that ratio is above 1 and peak near the k where
    (A + k)|B + k| z = (C + k) k (peak_k, from the quadratic, with |A B|); they spread over about
    sqrt(peak_k / (1 - z)) terms around it, and beyond it shrink by about z each. The count
    covers the peak, ten spreads, the growth of the (1 - z)^(C - A - B) tail when z nears 1, and
    50 / -ln z terms of decay; scoring_converged checks that the last terms were negligible, and
    a series that did not converge scores null. Large A and B (a nearly constant purchase rate:
    r, alpha and b in the thousands) with a small z need a few dozen terms, not max(A, B). -#}
scoring_series_peaks as (

    select
        *,
        greatest(
            0,
            (
                (series_a + series_b) * z - series_c
                + sqrt(greatest(
                    0,
                    (series_c - (series_a + series_b) * z) * (series_c - (series_a + series_b) * z)
                    + 4 * (1 - z) * abs(series_a * series_b) * z
                ))
            ) / (2 * (1 - z))
        ) as peak_k

    from scoring_series as series

),

scoring_series_sized as (

    select
        *,
        least(
            {{ max_terms }},
            cast(ceil(
                peak_k
                + 10 * sqrt(peak_k / (1 - z) + 1)
                + greatest(series_a + series_b - series_c - 1, 0) * z / (1 - z)
                + 50 / (-ln(z))
            ) as {{ dbt.type_int() }}) + 1
        ) as term_count

    from scoring_series_peaks as series

),

{#- Factor f(k) takes term k - 1 to term k (k >= 1); term 0 is 1. -#}
scoring_factors as (

    select
        series_sized.x,
        series_sized.age,
        series_sized.horizon_name,
        series_sized.series_form,
        series_sized.term_count,
        term_numbers.k,
        case
            when term_numbers.k = 0 then cast(1 as {{ type_double() }})
            else
                (series_sized.series_a + term_numbers.k - 1)
                * (series_sized.series_b + term_numbers.k - 1)
                / ((series_sized.series_c + term_numbers.k - 1) * term_numbers.k)
                * series_sized.z
        end as factor

    from scoring_series_sized as series_sized
    inner join scoring_term_numbers as term_numbers
        on term_numbers.k < series_sized.term_count

),

scoring_running as (

    select
        x,
        age,
        horizon_name,
        series_form,
        term_count,
        k,
        sum(case when factor = 0 then 0 else ln(abs(factor)) end) over (
            partition by x, age, horizon_name, series_form order by k
            rows between unbounded preceding and current row
        ) as log_abs_term,
        sum(case when factor < 0 then 1 else 0 end) over (
            partition by x, age, horizon_name, series_form order by k
            rows between unbounded preceding and current row
        ) as negative_factors,
        sum(case when factor = 0 then 1 else 0 end) over (
            partition by x, age, horizon_name, series_form order by k
            rows between unbounded preceding and current row
        ) as zero_factors

    from scoring_factors as factors

),

scoring_terms as (

    select
        x,
        age,
        horizon_name,
        series_form,
        term_count,
        k,
        case
            when zero_factors > 0 or log_abs_term < -700 then cast(0 as {{ type_double() }})
            when mod(negative_factors, 2) = 1 then -exp(least(log_abs_term, 700))
            else exp(least(log_abs_term, 700))
        end as term,
        log_abs_term,
        zero_factors

    from scoring_running as running

),

scoring_sums as (

    select
        x,
        age,
        horizon_name,
        series_form,
        {{ ordered_sum('term', 'k') }} as series_sum,
        max(log_abs_term) as log_largest_term,
        max(case when k = term_count - 1 then log_abs_term end) as log_last_term,
        max(case when k = term_count - 2 then log_abs_term end) as log_second_last_term,
        max(case when k = term_count - 1 then zero_factors end) as terminating_factors

    from scoring_terms as terms
    group by x, age, horizon_name, series_form

),

scoring_converged as (

    select
        sums.*,
        sums.terminating_factors > 0
        or (
            sums.log_largest_term < 700
            and sums.log_last_term < sums.log_largest_term + ln(1e-17)
            and sums.log_last_term < sums.log_second_last_term
        ) as is_converged

    from scoring_sums as sums

),

{#- The form taken: converged, then the smaller largest term. -#}
scoring_chosen as (

    select
        converged.x,
        converged.age,
        converged.horizon_name,
        converged.series_form,
        converged.series_sum,
        row_number() over (
            partition by converged.x, converged.age, converged.horizon_name
            order by converged.log_largest_term, converged.series_form
        ) as form_rank

    from scoring_converged as converged
    where converged.is_converged

),

{#- (1 - z)^power 2F1(...): the bracketed term of eq. 10, per pattern and horizon. -#}
scoring_pattern_terms as (

    select
        chosen.x,
        chosen.age,
        chosen.horizon_name,
        horizons.horizon_month,
        exp(greatest(-700, series.prefactor_power * ln(1 - series.z)))
        * chosen.series_sum as hypergeometric_term

    from scoring_chosen as chosen
    inner join scoring_series as series
        on
            chosen.x = series.x
            and chosen.age = series.age
            and chosen.horizon_name = series.horizon_name
            and chosen.series_form = series.series_form
    inner join scoring_horizons as horizons
        on chosen.horizon_name = horizons.horizon_name
    where chosen.form_rank = 1

),

{#- Per pattern, the monthly steps of the bracketed term, each discounted to today:
    sum over m of (term(m - 1) - term(m)) / (1 + rate)^m, term(0) = 1; null unless every month's
    series converged. Times the first factor of eq. 10, P(alive) and the spend, the customer
    lifetime value. -#}
scoring_monthly_steps as (

    select
        pattern_terms.x,
        pattern_terms.age,
        pattern_terms.horizon_month,
        coalesce(
            lag(pattern_terms.hypergeometric_term) over (
                partition by pattern_terms.x, pattern_terms.age order by pattern_terms.horizon_month
            ),
            1
        ) - pattern_terms.hypergeometric_term as term_step

    from scoring_pattern_terms as pattern_terms
    where pattern_terms.horizon_month is not null

),

scoring_discounted as (
    {%- if clv_months > 0 %}

    select
        steps.x,
        steps.age,
        case
            when count(*) = {{ clv_months }}
                and max(steps.horizon_month) = {{ clv_months }}
                then {{ ordered_sum(
                    'steps.term_step / power(1 + settings.clv_monthly_discount_rate, steps.horizon_month)',
                    'steps.horizon_month',
                ) }}
        end as discounted_term_steps

    from scoring_monthly_steps as steps
    cross join scoring_settings as settings
    group by steps.x, steps.age
    {%- else %}

    select
        x,
        age,
        cast(null as {{ type_double() }}) as discounted_term_steps
    from scoring_patterns
    {%- endif %}

),

scoring_p_alive as (

    select
        summary.customer_id,
        summary.bgnbd_frequency,
        summary.bgnbd_t,
        summary.average_repeat_spend,
        case
            when parameters.r is null then null
            when parameters.shift = 0 and summary.bgnbd_frequency = 0 then cast(1 as {{ type_double() }})
            {#- BG/NBD: a / (b + x - 1); the modified BG/NBD: a / (b + x), one-time buyers too -#}
            else 1 / (1 + exp(greatest(-700, least(
                (parameters.r + summary.bgnbd_frequency)
                * ln((parameters.alpha + summary.bgnbd_t) / (parameters.alpha + summary.bgnbd_recency))
                + ln(parameters.a / (parameters.b + summary.bgnbd_frequency - 1 + parameters.shift)),
                700
            ))))
        end as p_alive

    from scoring_summary as summary
    cross join scoring_parameters as parameters

),

scoring_scored as (

    select
        p_alive.customer_id,
        case when parameters.r is not null then parameters.prediction_model end as prediction_model,
        p_alive.p_alive,
        (parameters.a + parameters.b + p_alive.bgnbd_frequency - 1 + parameters.shift)
        / nullif(parameters.a - 1, 0)
        * (1 - horizon.hypergeometric_term) * p_alive.p_alive as expected_purchases,
        (parameters.a + parameters.b + p_alive.bgnbd_frequency - 1 + parameters.shift)
        / nullif(parameters.a - 1, 0)
        * (1 - fixed_90_days.hypergeometric_term) * p_alive.p_alive as expected_purchases_90d,
        (parameters.a + parameters.b + p_alive.bgnbd_frequency - 1 + parameters.shift)
        / nullif(parameters.a - 1, 0)
        * discounted.discounted_term_steps * p_alive.p_alive as discounted_purchases,
        case
            when parameters.q > 1
                then
                    (1 - parameters.p * p_alive.bgnbd_frequency
                        / (parameters.p * p_alive.bgnbd_frequency + parameters.q - 1))
                    * parameters.v * parameters.p / (parameters.q - 1)
                    + parameters.p * p_alive.bgnbd_frequency
                    / (parameters.p * p_alive.bgnbd_frequency + parameters.q - 1)
                    * coalesce(p_alive.average_repeat_spend, 0)
        end as expected_spend_per_purchase

    from scoring_p_alive as p_alive
    cross join scoring_parameters as parameters
    left join scoring_pattern_terms as horizon
        on
            cast(p_alive.bgnbd_frequency as {{ type_double() }}) = horizon.x
            and cast(p_alive.bgnbd_t as {{ type_double() }}) = horizon.age
            and horizon.horizon_name = 'horizon'
    left join scoring_pattern_terms as fixed_90_days
        on
            cast(p_alive.bgnbd_frequency as {{ type_double() }}) = fixed_90_days.x
            and cast(p_alive.bgnbd_t as {{ type_double() }}) = fixed_90_days.age
            and fixed_90_days.horizon_name = 'fixed_90_days'
    left join scoring_discounted as discounted
        on
            cast(p_alive.bgnbd_frequency as {{ type_double() }}) = discounted.x
            and cast(p_alive.bgnbd_t as {{ type_double() }}) = discounted.age

)

select
    customer_id,
    prediction_model,
    p_alive,
    expected_purchases,
    expected_purchases_90d,
    expected_spend_per_purchase,
    expected_purchases * expected_spend_per_purchase as expected_revenue,
    discounted_purchases * expected_spend_per_purchase as customer_lifetime_value
from scoring_scored as scored
{% endmacro %}


{#-
    The parameters given by the var `prediction_parameters`, as a one-row relation with the
    columns of predictive_model_parameters that purchase_model_scores reads: a mapping with r,
    alpha, a, b (BG/NBD, alpha in the time unit of prediction_time_unit) and/or p, q, v
    (Gamma-Gamma), e.g. copied from a DuckDB build's predictive_model_parameters. A model left
    out is null (not scored). Each value must be a positive number, and a model's parameters
    come all together. Read where the project cannot fit the models (engines without dbt Python
    models); unset (the default), the scores there are empty.
-#}
{% macro supplied_prediction_parameters() %}
    {%- set supplied = var('prediction_parameters', none) -%}
    {%- set models = {'BG/NBD': ['r', 'alpha', 'a', 'b'], 'Gamma-Gamma': ['p', 'q', 'v']} -%}
    {%- set values = {} -%}
    {%- set purchase_model = 'bgnbd' -%}
    {%- if supplied is mapping and 'model' in supplied -%}
        {%- set purchase_model = supplied['model'] | string | trim | lower -%}
        {%- if purchase_model not in ['bgnbd', 'mbgnbd'] -%}
            {{ exceptions.raise_compiler_error(
                "var 'prediction_parameters': model must be bgnbd or mbgnbd, got: " ~ supplied['model']
            ) }}
        {%- endif -%}
    {%- endif -%}
    {%- if supplied is not none -%}
        {%- if supplied is not mapping -%}
            {{ exceptions.raise_compiler_error(
                "var 'prediction_parameters' must be a mapping such as {r: 0.24, alpha: 4.4, a: 0.79, b: 2.4, p: 6.2, q: 3.7, v: 15.4}, got: " ~ supplied
            ) }}
        {%- endif -%}
        {%- for key in supplied -%}
            {%- if key not in models['BG/NBD'] + models['Gamma-Gamma'] + ['model'] -%}
                {{ exceptions.raise_compiler_error(
                    "var 'prediction_parameters' has an unknown key '" ~ key ~ "': the keys are model, r, alpha, a, b, p, q, v"
                ) }}
            {%- endif -%}
        {%- endfor -%}
        {%- for model, keys in models.items() -%}
            {%- set given = keys | select('in', supplied) | list -%}
            {%- if given and given | length < keys | length -%}
                {{ exceptions.raise_compiler_error(
                    "var 'prediction_parameters' gives " ~ given | join(', ') ~ " of the " ~ model
                    ~ " model but not " ~ keys | reject('in', supplied) | join(', ') ~ ": give all of them or none"
                ) }}
            {%- endif -%}
            {%- for key in given -%}
                {%- set value = supplied[key] -%}
                {%- if value is string -%}
                    {%- set value = _segmentation_parse_number('prediction_parameters.' ~ key, value) -%}
                {%- endif -%}
                {%- if value is not number or value is sameas true or value is sameas false or value <= 0 -%}
                    {{ exceptions.raise_compiler_error(
                        "var 'prediction_parameters': " ~ key ~ " must be a positive number, got: " ~ supplied[key]
                    ) }}
                {%- endif -%}
                {%- do values.update({key: value}) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    (
        select
            {{ "'" ~ purchase_model ~ "'" if 'r' in values else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as prediction_model,
        {%- for key in models['BG/NBD'] + models['Gamma-Gamma'] %}
            cast({{ values[key] if key in values else 'null' }} as {{ type_double() }}) as {{ key }}
            {{- "," if not loop.last }}
        {%- endfor %}
    ) as supplied_parameters
{%- endmacro %}



{#-
    The parameters that score the customers, from a relation with the columns of
    predictive_model_parameters, as purchase_model_scores reads them: prediction_model, and r,
    alpha, a, b of the model it names (the columns r.. of BG/NBD or mbgnbd_r.. of the modified
    BG/NBD), p, q, v. `prefix` reads another set of the same shape, e.g. 'backtest_mbgnbd_' with
    `model` 'mbgnbd' for the back-test's fit on the calibration period.
-#}
{% macro purchase_model_parameters(relation, prefix=none, model=none) %}
    (
        select
        {%- if prefix is none %}
            prediction_model,
            case when prediction_model = 'mbgnbd' then mbgnbd_r else r end as r,
            case when prediction_model = 'mbgnbd' then mbgnbd_alpha else alpha end as alpha,
            case when prediction_model = 'mbgnbd' then mbgnbd_a else a end as a,
            case when prediction_model = 'mbgnbd' then mbgnbd_b else b end as b,
        {%- else %}
            '{{ model }}' as prediction_model,
            {{ prefix }}r as r,
            {{ prefix }}alpha as alpha,
            {{ prefix }}a as a,
            {{ prefix }}b as b,
        {%- endif %}
            p,
            q,
            v
        from {{ relation }}
    ) as purchase_model_parameters
{%- endmacro %}
