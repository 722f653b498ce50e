{#-
    The one place where thresholds and the as-of date are read.
    Defaults live in dbt_project.yml `vars:`; override with `--vars`.
    Every value is validated so that a bad var stops the build with a message naming it.
-#}
{% macro segmentation_setting(name) %}
    {%- set ladder = ['at_risk_multiplier', 'lapsed_multiplier', 'churned_multiplier'] -%}
    {%- if name == 'as_of_date' -%}
        {{ return(_segmentation_as_of_date()) }}
    {%- elif name in ladder -%}
        {#- each multiplier on its own first, then their order -#}
        {%- set values = {} -%}
        {%- for multiplier in ladder -%}
            {%- do values.update({multiplier: _segmentation_number(multiplier)}) -%}
        {%- endfor -%}
        {%- for lower in ladder[:-1] -%}
            {%- set upper = ladder[loop.index] -%}
            {%- if values[lower] > values[upper] -%}
                {{ exceptions.raise_compiler_error(
                    "var '" ~ lower ~ "' (" ~ values[lower] ~ ") must not exceed var '"
                    ~ upper ~ "' (" ~ values[upper] ~ ")"
                ) }}
            {%- endif -%}
        {%- endfor -%}
        {{ return(values[name]) }}
    {%- else -%}
        {{ return(_segmentation_number(name)) }}
    {%- endif -%}
{% endmacro %}


{#- A numeric setting, validated on its own. -#}
{% macro _segmentation_number(name) %}
    {%- set integer_settings = [
        'new_customer_days',
        'loyal_min_orders',
        'loyal_min_tenure_days',
        'min_purchase_days_for_own_cycle',
    ] -%}
    {%- set number_settings = [
        'min_purchase_amount',
        'at_risk_multiplier',
        'lapsed_multiplier',
        'churned_multiplier',
    ] -%}
    {%- if name not in integer_settings and name not in number_settings -%}
        {{ exceptions.raise_compiler_error("unknown segmentation setting: " ~ name) }}
    {%- endif -%}
    {%- set value = var(name) -%}
    {%- if value is string -%}
        {%- set value = _segmentation_parse_number(name, value) -%}
    {%- endif -%}
    {%- if value is not number or value is sameas true or value is sameas false -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a number, got: " ~ value) }}
    {%- endif -%}
    {%- if name in integer_settings and value != (value | int) -%}
        {{ exceptions.raise_compiler_error(
            "var '" ~ name ~ "' must be a whole number, got: " ~ value
        ) }}
    {%- endif -%}
    {%- if value < 0 -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must not be negative, got: " ~ value) }}
    {%- endif -%}
    {%- if name == 'min_purchase_days_for_own_cycle' and value < 2 -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be at least 2, got: " ~ value) }}
    {%- endif -%}
    {{ return(value | int if name in integer_settings else value) }}
{% endmacro %}


{% macro _segmentation_parse_number(name, text) %}
    {%- if not modules.re.fullmatch('\s*-?[0-9]+(\.[0-9]+)?\s*', text) -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a number, got: '" ~ text ~ "'") }}
    {%- endif -%}
    {{ return(text | float if '.' in text else text | int) }}
{% endmacro %}


{#- The as-of date as a 'YYYY-MM-DD' string, or none when unset (then the latest purchase date is used). -#}
{% macro _segmentation_as_of_date() %}
    {%- set value = var('as_of_date', none) -%}
    {%- if value is none or value == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if value is not string -%}
        {#- YAML turns an unquoted 2024-01-31 into a date -#}
        {%- set value = value.isoformat() if value.isoformat is defined else value | string -%}
    {%- endif -%}
    {%- set match = modules.re.fullmatch('([0-9]{4})-([0-9]{2})-([0-9]{2})', value | trim) -%}
    {%- set valid = false -%}
    {%- if match -%}
        {%- set year = match.group(1) | int -%}
        {%- set month = match.group(2) | int -%}
        {%- set day = match.group(3) | int -%}
        {%- if 1 <= month <= 12 and year >= 1 -%}
            {%- set next_month = modules.datetime.date(year + (month // 12), month % 12 + 1, 1) -%}
            {%- set month_days = (next_month - modules.datetime.timedelta(days=1)).day -%}
            {%- set valid = 1 <= day <= month_days -%}
        {%- endif -%}
    {%- endif -%}
    {%- if not valid -%}
        {{ exceptions.raise_compiler_error(
            "var 'as_of_date' must be a date written YYYY-MM-DD, got: '" ~ value ~ "'"
        ) }}
    {%- endif -%}
    {{ return(value | trim) }}
{% endmacro %}
