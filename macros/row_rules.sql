{#-
    The row-level rules of the generic tests, each a SQL condition that is true on a row that
    breaks the rule. The single-rule tests (segment_rule, flag_rule, expression_is_true) and the
    one-scan test row_rules both read them, so a rule means the same wherever it is checked.
-#}

{% macro not_null_violation(column) -%}
    {{ column }} is null
{%- endmacro %}


{% macro accepted_values_violation(column, values, quote=true) -%}
    {#- As dbt's accepted_values: a null is not a violation (not_null says whether it is). -#}
    {{ column }} not in (
        {%- for value in values -%}
            {%- if quote %}'{{ dbt.escape_single_quotes(value) }}'{% else %}{{ value }}{% endif -%}
            {{- ", " if not loop.last -}}
        {%- endfor -%}
    )
{%- endmacro %}


{% macro expression_violation(expression) -%}
    not coalesce({{ expression }}, false)
{%- endmacro %}


{% macro segment_rule_violation(column, segment, condition, after=[]) -%}
    {%- if after is string -%}
        {%- set after = after.split(',') | map('trim') | reject('equalto', '') | list -%}
    {%- endif -%}
    (
        ({{ column }} = '{{ segment }}' and not coalesce({{ condition }}, false))
        or (
            coalesce({{ condition }}, false)
            and {{ column }} != '{{ segment }}'
            {%- if after | length > 0 %}
                and {{ column }} not in ('{{ after | join("', '") }}')
            {%- endif %}
        )
    )
{%- endmacro %}


{% macro flag_rule_violation(column, condition) -%}
    (
        {{ column }} is null
        or ({{ column }} and not coalesce({{ condition }}, false))
        or (not {{ column }} and coalesce({{ condition }}, false))
    )
{%- endmacro %}


{#-
    The rules given to the generic test row_rules as (name, violation) pairs, in the order of
    its arguments: not_null_<column>, accepted_values_<column>, then the named expressions,
    segment rules and flag rules.
-#}
{% macro row_rule_violations(
    not_null=[], accepted_values={}, expressions={}, segment_rules={}, flag_rules={}
) -%}
    {%- set rules = [] -%}
    {%- for column in not_null -%}
        {%- do rules.append(('not_null_' ~ column, not_null_violation(column))) -%}
    {%- endfor -%}
    {%- for column, spec in accepted_values.items() -%}
        {%- if spec is mapping -%}
            {%- set violation = accepted_values_violation(
                column, spec['values'], spec.get('quote', true)
            ) -%}
        {%- else -%}
            {%- set violation = accepted_values_violation(column, spec) -%}
        {%- endif -%}
        {%- do rules.append(('accepted_values_' ~ column, violation)) -%}
    {%- endfor -%}
    {%- for name, expression in expressions.items() -%}
        {%- do rules.append((name, expression_violation(expression))) -%}
    {%- endfor -%}
    {%- for name, spec in segment_rules.items() -%}
        {%- do rules.append((name, segment_rule_violation(
            spec['column'], spec['segment'], spec['condition'], spec.get('after', [])
        ))) -%}
    {%- endfor -%}
    {%- for name, spec in flag_rules.items() -%}
        {%- do rules.append((name, flag_rule_violation(spec['column'], spec['condition']))) -%}
    {%- endfor -%}
    {{- return(rules) -}}
{%- endmacro %}
