{#-
    The one place the settings of the predictive scores are read (defaults in dbt_project.yml
    `vars:`). Every value is validated so that a bad var stops the build with a message naming it.
-#}
{% macro prediction_setting(name) %}
    {%- if name == 'prediction_time_unit' -%}
        {%- set value = var(name) | string | trim | lower -%}
        {%- if value not in ['days', 'weeks'] -%}
            {{ exceptions.raise_compiler_error(
                "var 'prediction_time_unit' must be days or weeks, got: '" ~ var(name) ~ "'"
            ) }}
        {%- endif -%}
        {{ return(value) }}
    {%- elif name == 'days_per_period' -%}
        {{ return(7 if prediction_setting('prediction_time_unit') == 'weeks' else 1) }}
    {%- elif name == 'prediction_horizon_days' -%}
        {%- set value = _prediction_number(name) -%}
        {%- if value != (value | int) or value < 1 -%}
            {{ exceptions.raise_compiler_error(
                "var 'prediction_horizon_days' must be a whole number of days of at least 1, got: " ~ value
            ) }}
        {%- endif -%}
        {{ return(value | int) }}
    {%- elif name in ['high_churn_risk_below_p_alive', 'medium_churn_risk_below_p_alive'] -%}
        {%- set high = _prediction_number('high_churn_risk_below_p_alive') -%}
        {%- set medium = _prediction_number('medium_churn_risk_below_p_alive') -%}
        {%- for cut_off, value in [('high_churn_risk_below_p_alive', high), ('medium_churn_risk_below_p_alive', medium)] -%}
            {%- if value < 0 or value > 1 -%}
                {{ exceptions.raise_compiler_error(
                    "var '" ~ cut_off ~ "' must be a probability between 0 and 1, got: " ~ value
                ) }}
            {%- endif -%}
        {%- endfor -%}
        {%- if high > medium -%}
            {{ exceptions.raise_compiler_error(
                "var 'high_churn_risk_below_p_alive' (" ~ high
                ~ ") must not exceed var 'medium_churn_risk_below_p_alive' (" ~ medium ~ ")"
            ) }}
        {%- endif -%}
        {{ return(high if name == 'high_churn_risk_below_p_alive' else medium) }}
    {%- elif name == 'prediction_model' -%}
        {%- set value = var(name) | string | trim | lower -%}
        {%- if value not in ['auto', 'bgnbd', 'mbgnbd'] -%}
            {{ exceptions.raise_compiler_error(
                "var 'prediction_model' must be auto, bgnbd or mbgnbd, got: '" ~ var(name) ~ "'"
            ) }}
        {%- endif -%}
        {{ return(value) }}
    {%- elif name == 'prediction_calibration_end_date' -%}
        {{ return(_segmentation_date_var(name)) }}
    {%- elif name == 'clv_monthly_discount_rate' -%}
        {%- set value = _prediction_number(name) -%}
        {%- if value < 0 or value >= 1 -%}
            {{ exceptions.raise_compiler_error(
                "var 'clv_monthly_discount_rate' must be a rate of at least 0 and below 1, got: " ~ value
            ) }}
        {%- endif -%}
        {{ return(value) }}
    {%- elif name == 'prediction_refit_days' -%}
        {%- set value = _prediction_number(name) -%}
        {%- if value != (value | int) or value < 0 -%}
            {{ exceptions.raise_compiler_error(
                "var 'prediction_refit_days' must be a whole number of days of at least 0, got: " ~ value
            ) }}
        {%- endif -%}
        {{ return(value | int) }}
    {%- elif name == 'prediction_refit' -%}
        {%- set value = var(name) -%}
        {%- if value is string and value | trim | lower in ['true', 'false'] -%}
            {%- set value = value | trim | lower == 'true' -%}
        {%- endif -%}
        {%- if value is not sameas true and value is not sameas false -%}
            {{ exceptions.raise_compiler_error("var 'prediction_refit' must be true or false, got: " ~ value) }}
        {%- endif -%}
        {{ return(value) }}
    {%- elif name == 'clv_horizon_months' -%}
        {%- set value = _prediction_number(name) -%}
        {%- if value != (value | int) or value < 1 or value > 120 -%}
            {{ exceptions.raise_compiler_error(
                "var 'clv_horizon_months' must be a whole number of months from 1 to 120, got: " ~ value
            ) }}
        {%- endif -%}
        {{ return(value | int) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("unknown prediction setting: " ~ name) }}
    {%- endif -%}
{% endmacro %}


{#- A numeric prediction setting: a number (or number text), not a boolean. -#}
{% macro _prediction_number(name) %}
    {%- set value = var(name) -%}
    {%- if value is string -%}
        {%- set value = _segmentation_parse_number(name, value) -%}
    {%- endif -%}
    {%- if value is not number or value is sameas true or value is sameas false -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a number, got: " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{#-
    The predicted churn-risk band of a P(alive) expression: high below
    high_churn_risk_below_p_alive, medium below medium_churn_risk_below_p_alive, else low;
    unknown when P(alive) is null but the customer has a purchase (the BG/NBD model is not
    fitted); null without a purchase.
-#}
{% macro churn_risk_band(p_alive, has_purchase) -%}
    case
        when {{ p_alive }} < {{ prediction_setting('high_churn_risk_below_p_alive') }}
            then 'high'
        when {{ p_alive }} < {{ prediction_setting('medium_churn_risk_below_p_alive') }}
            then 'medium'
        when {{ p_alive }} >= {{ prediction_setting('medium_churn_risk_below_p_alive') }}
            then 'low'
        when {{ has_purchase }}
            then 'unknown'
    end
{%- endmacro %}
