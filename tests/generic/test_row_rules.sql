{#-
    Every row-level rule of a model checked in one scan: one count per rule, then one row per rule
    that some row breaks, with the rule's name and how many rows break it. The keys (`unique`:
    each a column or a list of columns) are checked in the same query, one grouping each: rule
    unique_<column>[__<column>...] counts the rows whose key another row has too (a null equal
    to a null, as `group by` has it; a key column's nulls are its not_null rule's). The failures
    are kept as a table (schema dbt_test__audit; a view's text would pass the 32,700 characters
    Spark's metastore keeps), so a failed build says which rules failed:
    `select * from dbt_test__audit.<model>_rules`. The arguments and the meaning of each row
    rule are those of macro row_rule_violations.
-#}
{% test row_rules(
    model, not_null=[], accepted_values={}, expressions={}, segment_rules={}, flag_rules={},
    unique=[]
) %}
{{ config(store_failures=true, store_failures_as='table') }}
{%- set rules = row_rule_violations(
    not_null, accepted_values, expressions, segment_rules, flag_rules
) %}
{%- set keys = [] -%}
{%- for key in unique -%}
    {%- do keys.append([key] if key is string else key) -%}
{%- endfor %}

with

counted as (

    select
        {% for rule in rules -%}
            sum(case when {{ rule[1] }} then 1 else 0 end) as rule_{{ loop.index }}
            {{- "," if not loop.last }}
        {% endfor -%}
        {%- if not rules %}count(*) as row_count{% endif %}
    from {{ model }}

),

{%- for key in keys %}

duplicated_{{ loop.index }} as (

    select sum(occurrences) as failing_rows
    from (
        select count(*) as occurrences
        from {{ model }}
        group by {{ key | join(', ') }}
        having count(*) > 1
    ) as duplicates

),
{%- endfor %}

rule_failures as (

    {% for rule in rules -%}
        select
            '{{ rule[0] }}' as failed_rule,
            coalesce(rule_{{ loop.index }}, 0) as failing_rows
        from counted
        {% if not loop.last or keys %}union all{% endif %}
    {% endfor -%}
    {%- for key in keys -%}
        select
            'unique_{{ key | join("__") }}' as failed_rule,
            coalesce(failing_rows, 0) as failing_rows
        from duplicated_{{ loop.index }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from rule_failures
where failing_rows > 0

{% endtest %}
