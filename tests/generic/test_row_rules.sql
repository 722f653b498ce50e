{#-
    Every row-level rule of a model checked in one scan: one count per rule, then one row per rule
    that some row breaks, with the rule's name and how many rows break it. The failures are kept
    as a table (schema dbt_test__audit; a view's text would pass the 32,700 characters Spark's
    metastore keeps), so a failed build says which rules failed:
    `select * from dbt_test__audit.<model>_rules`. The arguments and the meaning of each rule
    are those of macro row_rule_violations.
-#}
{% test row_rules(
    model, not_null=[], accepted_values={}, expressions={}, segment_rules={}, flag_rules={}
) %}
{{ config(store_failures=true, store_failures_as='table') }}
{%- set rules = row_rule_violations(
    not_null, accepted_values, expressions, segment_rules, flag_rules
) %}

with

counted as (

    select
        {% for rule in rules -%}
            sum(case when {{ rule[1] }} then 1 else 0 end) as rule_{{ loop.index }}
            {{- "," if not loop.last }}
        {% endfor %}
    from {{ model }}

),

rule_failures as (

    {% for rule in rules -%}
        select
            '{{ rule[0] }}' as failed_rule,
            coalesce(rule_{{ loop.index }}, 0) as failing_rows
        from counted
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from rule_failures
where failing_rows > 0

{% endtest %}
