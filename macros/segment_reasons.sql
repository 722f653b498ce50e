{#-
    The lifecycle ladder written once (docs/rules.md): each rung's segment, the condition a row
    must satisfy, and what the explanation says when the rung matched and when it did not.
    Read by `lifecycle_segment_case` (the label), `lifecycle_segment_reason` (the sentence) and
    the yml's `segment_rule` tests (through `lifecycle_rung_condition` / `lifecycle_rungs_before`),
    so the label, its explanation and its tests cannot drift apart.

    `p` is a column prefix ('' or 'relation.'). `matched` / `unmatched` are SQL text expressions
    that quote the row's own figures and the thresholds.
-#}
{% macro lifecycle_rungs(p='') -%}
    {%- set new_days = segmentation_setting('new_customer_days') -%}
    {%- set loyal_orders = segmentation_setting('loyal_min_orders') -%}
    {%- set loyal_days = segmentation_setting('loyal_min_tenure_days') -%}
    {%- set first_days = reason_count(p ~ 'days_since_first_order', 'day') -%}
    {%- set last_days = reason_count(p ~ 'days_since_last_order', 'day') -%}
    {%- set last_figure = reason_number(p ~ 'days_since_last_order', 0) -%}
    {%- set expected = reason_number(p ~ 'expected_interval_days') -%}
    {%- set rungs = [
        {
            'segment': 'prospect',
            'condition': p ~ 'purchase_days = 0',
            'matched': "'no purchase by the as-of date (0 purchase days)'",
            'unmatched': reason_count(p ~ 'purchase_days', 'purchase day'),
        },
        {
            'segment': 'new',
            'condition': p ~ 'purchase_days > 0 and ' ~ p ~ 'days_since_first_order <= ' ~ new_days,
            'matched': "'first purchase ' || " ~ first_days ~ " || ' ago ≤ " ~ new_days ~ "'",
            'unmatched': "'first purchase ' || " ~ first_days ~ " || ' ago > " ~ new_days ~ "'",
        },
    ] -%}
    {%- for segment in ['churned', 'lapsed', 'at_risk'] -%}
        {%- set multiplier = segmentation_setting(segment ~ '_multiplier') -%}
        {%- set threshold = reason_number(multiplier ~ ' * ' ~ p ~ 'expected_interval_days') -%}
        {%- do rungs.append({
            'segment': segment,
            'condition': p ~ 'days_since_last_order > ' ~ multiplier ~ ' * ' ~ p ~ 'expected_interval_days',
            'matched': last_days ~ " || ' since the last purchase > " ~ multiplier
                ~ " × the expected ' || " ~ expected ~ " || ' days'",
            'unmatched': "case when " ~ p ~ "expected_interval_days is null then 'no expected interval' else "
                ~ last_figure ~ " || ' ≤ ' || " ~ threshold ~ " end",
        }) -%}
    {%- endfor -%}
    {%- do rungs.append({
        'segment': 'loyal',
        'condition': p ~ 'order_count >= ' ~ loyal_orders ~ ' and ' ~ p ~ 'days_since_first_order >= ' ~ loyal_days,
        'matched': reason_count(p ~ 'order_count', 'purchase') ~ " || ' ≥ " ~ loyal_orders
            ~ " and first purchase ' || " ~ first_days ~ " || ' ago ≥ " ~ loyal_days ~ "'",
        'unmatched': "case when " ~ p ~ "order_count < " ~ loyal_orders ~ " then "
            ~ reason_count(p ~ 'order_count', 'purchase') ~ " || ' < " ~ loyal_orders ~ "' else "
            ~ "'first purchase ' || " ~ first_days ~ " || ' ago < " ~ loyal_days ~ "' end",
    }) -%}
    {%- do rungs.append({
        'segment': 'repeat',
        'condition': p ~ 'purchase_days >= 2',
        'matched': reason_number(p ~ 'purchase_days', 0) ~ " || ' purchase days ≥ 2'",
        'unmatched': "'1 purchase day'",
    }) -%}
    {%- do rungs.append({
        'segment': 'active',
        'condition': p ~ 'purchase_days = 1',
        'matched': "'1 purchase day, ' || " ~ last_days ~ " || ' ago, within the expected ' || coalesce("
            ~ expected ~ " || ' days', 'interval')",
        'unmatched': "''",
    }) -%}
    {{ return(rungs) }}
{%- endmacro %}


{#- A count and its noun for a reason, singular for 1 ('1 day', '2 days'), on every engine. -#}
{% macro reason_count(expression, noun) -%}
    {{ return(
        'cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ ") || case when " ~ expression
        ~ " = 1 then ' " ~ noun ~ "' else ' " ~ noun ~ "s' end"
    ) }}
{%- endmacro %}


{#- A number as text for a reason: rounded to `decimals` places (cast, so on every engine). -#}
{% macro reason_number(expression, decimals=1) -%}
    {%- if decimals == 0 -%}
        {{ return('cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ ')') }}
    {%- endif -%}
    {{ return(
        'cast(cast(' ~ expression ~ ' as decimal(18, ' ~ decimals ~ ')) as ' ~ dbt.type_string() ~ ')'
    ) }}
{%- endmacro %}


{#- The condition of one rung of the ladder (for the yml's segment_rule tests). -#}
{% macro lifecycle_rung_condition(segment) -%}
    {%- for rung in lifecycle_rungs() if rung.segment == segment -%}
        {{ return(rung.condition) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("no lifecycle rung named " ~ segment) }}
{%- endmacro %}


{#- The segments of the rungs above `segment`, comma-separated (for the segment_rule tests). -#}
{% macro lifecycle_rungs_before(segment) -%}
    {%- set before = [] -%}
    {%- for rung in lifecycle_rungs() -%}
        {%- if rung.segment == segment -%}
            {{ return(before | join(',')) }}
        {%- endif -%}
        {%- do before.append(rung.segment) -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("no lifecycle rung named " ~ segment) }}
{%- endmacro %}


{#-
    The sentence that explains a row's lifecycle segment: `<segment>: <why this rung matched>;
    not <rung above> (<why not>), ...` for every rung above it, nearest first. Same rungs and
    order as `lifecycle_segment_case`.
-#}
{% macro lifecycle_segment_reason(relation=none) -%}
    {%- set p = (relation ~ '.') if relation else '' -%}
    {%- set rungs = lifecycle_rungs(p) -%}
    case
        {%- for rung in rungs %}
        {%- set above = rungs[:loop.index0] | reverse | list %}
        {{ 'else' if loop.last else 'when ' ~ rung.condition ~ ' then' }}
            '{{ rung.segment }}: ' || {{ rung.matched }}
            {%- if above %}
            || '; '
            {%- for other in above %}
            || 'not {{ other.segment }} (' || {{ other.unmatched }} || ')'{{ " || ', '" if not loop.last }}
            {%- endfor %}
            {%- endif %}
        {%- endfor %}
    end
{%- endmacro %}


{#-
    The overlays with their flag column and the SQL text of their reason (the row's figure and
    the threshold), in a fixed order. Reads the columns of customer_segments' overlay models.
    Used by `overlay_reasons` and by the next-best-action mart (one play per true overlay).
-#}
{% macro overlay_reason_parts() -%}
    {%- set vip_share = (100 * segmentation_setting('value_tier_vip_share')) | round(1) -%}
    {%- set bargain_share = (100 * segmentation_setting('bargain_min_discounted_share')) | round(1) -%}
    {%- set seasonal_share = (100 * segmentation_setting('seasonal_min_share')) | round(1) -%}
    {%- set months = segmentation_setting('seasonal_months') | join(', ') -%}
    {{ return([
        ('vip', 'is_vip',
            "'vip: revenue in the top ' || " ~ reason_number('100 * revenue_top_share')
            ~ " || '% (< " ~ vip_share ~ "%)'"),
        ('bargain_hunter', 'is_bargain_hunter',
            "'bargain_hunter: ' || " ~ reason_number('discounted_order_count', 0) ~ " || ' of ' || "
            ~ reason_number('discount_known_order_count', 0) ~ " || ' purchases discounted (≥ "
            ~ bargain_share ~ "%)'"),
        ('seasonal', 'is_seasonal',
            "'seasonal: ' || " ~ reason_number('season_purchase_days', 0) ~ " || ' of ' || "
            ~ reason_number('purchase_days', 0) ~ " || ' purchase days in months " ~ months ~ " (≥ "
            ~ seasonal_share ~ "%), in ' || " ~ reason_number('season_years', 0) ~ " || ' seasons (≥ "
            ~ segmentation_setting('seasonal_min_years') ~ ")'"),
        ('omnichannel', 'is_omnichannel',
            "'omnichannel: ' || " ~ reason_number('known_channel_count', 0) ~ " || ' channels (≥ "
            ~ segmentation_setting('omnichannel_min_channels') ~ ")'"),
        ('re_engaged', 'is_re_engaged',
            "'re_engaged: came back after ' || " ~ reason_number('last_gap_days', 0) ~ " || ' days > "
            ~ segmentation_setting('lapsed_multiplier') ~ " × the expected ' || "
            ~ reason_number('prior_expected_interval_days') ~ " || ' days'"),
        ('infrequent', 'is_infrequent',
            "'infrequent: own interval ' || " ~ reason_number('own_interval_days') ~ " || ' days > "
            ~ segmentation_setting('infrequent_multiplier') ~ " × the usual ' || "
            ~ reason_number('baseline_interval_days') ~ " || ' days'"),
        ('referrer', 'is_referrer',
            "'referrer: ' || " ~ reason_number('referred_customers', 0) ~ " || ' referred customers (≥ "
            ~ segmentation_setting('referrer_min_referrals') ~ ")'"),
        ('b2b', 'is_b2b', "'b2b: buys for a company (company name given)'"),
    ]) }}
{%- endmacro %}


{#- The reasons of the overlays that are true, separated by '; ' (null when none is). -#}
{% macro overlay_reasons() -%}
    nullif(concat_ws('; '
    {%- for overlay, flag, reason in overlay_reason_parts() %},
        case when {{ flag }} then {{ reason }} end
    {%- endfor %}
    ), '')
{%- endmacro %}
