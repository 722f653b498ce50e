{#-
    The one place where thresholds and the as-of date are read.
    Defaults live in dbt_project.yml `vars:`; override with `--vars`.
    Every value is validated so that a bad var stops the build with a message naming the var.
-#}
{% macro segmentation_setting(name) %}
    {#- settings that must not decrease from one to the next, checked after each is valid on its own -#}
    {%- set ordered_groups = [
        ['at_risk_multiplier', 'lapsed_multiplier', 'churned_multiplier'],
        ['value_tier_vip_share', 'value_tier_high_share', 'value_tier_medium_share'],
    ] -%}
    {%- if name == 'as_of_date' -%}
        {{ return(_segmentation_as_of_date()) }}
    {%- elif name in ['segmentation_using_predictions', 'segmentation_using_segment_history',
        'segmentation_using_grants', 'marketing_consent_default'] -%}
        {{ return(_segmentation_switch(name)) }}
    {%- elif name == 'seasonal_months' -%}
        {{ return(_segmentation_months(name)) }}
    {%- elif name == 'weekend_days' -%}
        {{ return(_segmentation_months(name, 7, 'ISO day')) }}
    {%- elif name == 'lead_event_types' -%}
        {{ return(_segmentation_vocabulary_list(name)) }}
    {%- endif -%}
    {%- for ladder in ordered_groups if name in ladder -%}
        {%- set values = {} -%}
        {%- for setting in ladder -%}
            {%- do values.update({setting: _segmentation_number(setting)}) -%}
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
    {%- endfor -%}
    {{ return(_segmentation_number(name)) }}
{% endmacro %}


{#- A numeric setting, validated on its own. -#}
{% macro _segmentation_number(name) %}
    {%- set integer_settings = [
        'new_customer_days',
        'loyal_min_orders',
        'loyal_min_tenure_days',
        'min_purchase_days_for_own_cycle',
        'bargain_min_purchases',
        'seasonal_min_years',
        'omnichannel_min_channels',
        'referrer_min_referrals',
        'max_plausible_age',
        'future_tolerance_hours',
        'weekend_min_purchase_days',
        'holiday_min_years',
        'anniversary_window_days',
        'anniversary_min_purchase_days',
        'anniversary_min_years',
        'suspect_min_tenure_days',
        'suspect_min_cell_customers',
        'unhappy_window_days',
        'unhappy_min_orders',
        'lead_window_days',
        'novice_window_days',
        'advocate_window_days',
    ] -%}
    {%- set number_settings = [
        'min_purchase_amount',
        'at_risk_multiplier',
        'lapsed_multiplier',
        'churned_multiplier',
        'bargain_min_discount_amount',
        'infrequent_multiplier',
        'suspect_min_lift',
        'unhappy_max_nps_score',
        'unhappy_max_csat_score',
        'unhappy_max_review_score',
        'advocate_min_nps_score',
        'advocate_min_review_score',
        'positive_review_min_score',
    ] -%}
    {#- shares of customers, purchases or purchase days: between 0 and 1 -#}
    {%- set share_settings = [
        'value_tier_vip_share',
        'value_tier_high_share',
        'value_tier_medium_share',
        'bargain_min_discounted_share',
        'seasonal_min_share',
        'weekend_min_share',
        'holiday_min_share',
        'anniversary_min_share',
        'unhappy_min_returned_share',
    ] -%}
    {#- counts below which a rule makes no sense -#}
    {%- set minimums = {
        'min_purchase_days_for_own_cycle': 2,
        'bargain_min_purchases': 1,
        'seasonal_min_years': 1,
        'omnichannel_min_channels': 2,
        'referrer_min_referrals': 1,
        'weekend_min_purchase_days': 1,
        'holiday_min_years': 1,
        'anniversary_min_purchase_days': 1,
        'anniversary_min_years': 1,
        'suspect_min_cell_customers': 1,
        'unhappy_window_days': 1,
        'unhappy_min_orders': 1,
        'lead_window_days': 1,
        'novice_window_days': 1,
        'advocate_window_days': 1,
    } -%}
    {%- if name not in integer_settings + number_settings + share_settings -%}
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
    {%- if name in minimums and value < minimums[name] -%}
        {{ exceptions.raise_compiler_error(
            "var '" ~ name ~ "' must be at least " ~ minimums[name] ~ ", got: " ~ value
        ) }}
    {%- endif -%}
    {%- if name in share_settings and value > 1 -%}
        {{ exceptions.raise_compiler_error(
            "var '" ~ name ~ "' is a share and must not exceed 1, got: " ~ value
        ) }}
    {%- endif -%}
    {{ return(value | int if name in integer_settings else value) }}
{% endmacro %}


{#-
    A list of month numbers (1-12, no repeats, at least one) as a list of integers. Accepts a YAML
    list or comma-separated text ('11,12'). The first month starts the season year. With
    `highest` 7 and `noun` 'ISO day', the same for ISO day numbers (1 Monday ... 7 Sunday).
-#}
{% macro _segmentation_months(name, highest=12, noun='month') %}
    {%- set given = var(name) -%}
    {%- set value = given -%}
    {%- set expected = "var '" ~ name ~ "' must be a list of " ~ noun ~ " numbers 1-" ~ highest ~ ", got: " -%}
    {%- if value is string -%}
        {%- set value = value.split(',') -%}
    {%- elif value is number -%}
        {%- set value = [value] -%}
    {%- endif -%}
    {%- if value is not iterable or value is mapping or value | length == 0 -%}
        {{ exceptions.raise_compiler_error(expected ~ given) }}
    {%- endif -%}
    {%- set numbers = [] -%}
    {%- for item in value -%}
        {%- set text = item | string | trim -%}
        {%- if not modules.re.fullmatch('[0-9]{1,2}', text) or not (1 <= text | int <= highest) -%}
            {{ exceptions.raise_compiler_error(expected ~ given) }}
        {%- endif -%}
        {%- if text | int in numbers -%}
            {{ exceptions.raise_compiler_error(
                "var '" ~ name ~ "' lists " ~ noun ~ " " ~ text ~ " twice, got: " ~ given
            ) }}
        {%- endif -%}
        {%- do numbers.append(text | int) -%}
    {%- endfor -%}
    {{ return(numbers) }}
{% endmacro %}


{#-
    A list of vocabulary keys (at least one), each as vocabulary_key makes it (trimmed, lower
    case, runs of white space and hyphens as one underscore). Accepts a YAML list or
    comma-separated text ('quote_request, newsletter_signup').
-#}
{% macro _segmentation_vocabulary_list(name) %}
    {%- set given = var(name) -%}
    {%- set value = given.split(',') if given is string else given -%}
    {%- if value is not iterable or value is mapping or value is string or value | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "var '" ~ name ~ "' must be a list of one or more names, got: " ~ given
        ) }}
    {%- endif -%}
    {%- set keys = [] -%}
    {%- for item in value -%}
        {%- set key = modules.re.sub('[\s-]+', '_', item | string | trim | lower) -%}
        {%- if key == '' or not modules.re.fullmatch('[a-z0-9_.]+', key) -%}
            {{ exceptions.raise_compiler_error(
                "var '" ~ name ~ "' lists '" ~ item ~ "', which is not a name (letters, digits,"
                ~ " underscores, spaces or hyphens), got: " ~ given
            ) }}
        {%- endif -%}
        {%- if key not in keys -%}
            {%- do keys.append(key) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(keys) }}
{% endmacro %}


{#- A switch of an optional part: true or false (YAML booleans, or the text true / false). -#}
{% macro _segmentation_switch(name) %}
    {%- set value = var(name) -%}
    {%- if value is string and value | trim | lower in ['true', 'false'] -%}
        {%- set value = value | trim | lower == 'true' -%}
    {%- endif -%}
    {%- if value is not sameas true and value is not sameas false -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be true or false, got: " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{% macro _segmentation_parse_number(name, text) %}
    {%- if not modules.re.fullmatch('\s*-?[0-9]+(\.[0-9]+)?\s*', text) -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a number, got: '" ~ text ~ "'") }}
    {%- endif -%}
    {{ return(text | float if '.' in text else text | int) }}
{% endmacro %}


{#- The as-of date as a 'YYYY-MM-DD' string, or none when unset (then the latest purchase date is used). -#}
{% macro _segmentation_as_of_date() %}
    {{ return(_segmentation_date_var('as_of_date')) }}
{% endmacro %}


{#- A date var as a 'YYYY-MM-DD' string, or none when unset; anything else stops the run naming the var. -#}
{% macro _segmentation_date_var(name) %}
    {%- set value = var(name, none) -%}
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
            "var '" ~ name ~ "' must be a date written YYYY-MM-DD, got: '" ~ value ~ "'"
        ) }}
    {%- endif -%}
    {{ return(value | trim) }}
{% endmacro %}


{#-
    The moment after which an event date cannot be true: when this run started (UTC) plus the
    var `future_tolerance_hours`, as a timestamp literal. Orders and sign-ups dated after it are
    rejected; the latest purchase date not after the run's date is the default as-of date.
-#}
{% macro future_cutoff() -%}
    {%- set cutoff = run_started_at + modules.datetime.timedelta(
        hours=segmentation_setting('future_tolerance_hours')
    ) -%}
    cast({{ string_literal(cutoff.strftime('%Y-%m-%d %H:%M:%S')) }} as {{ dbt.type_timestamp() }})
{%- endmacro %}


{#- The UTC date this run started, as a date literal: "today" for the default as-of date. -#}
{% macro run_date() -%}
    cast({{ string_literal(run_started_at.strftime('%Y-%m-%d')) }} as date)
{%- endmacro %}
