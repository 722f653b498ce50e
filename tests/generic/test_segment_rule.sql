{#-
    One rule of a first-match-wins ladder, checked in both directions:
    - every row labelled `segment` satisfies `condition`;
    - every row that satisfies `condition` and is not labelled with one of the earlier
      segments (`after`) is labelled `segment`.
    Stated for each rung in turn, this proves the whole ladder. A null condition counts as false.
    `after` is a list, or comma-separated text (what macro lifecycle_rungs_before renders).
-#}
{% test segment_rule(model, column_name, segment, condition, after=[]) %}
{%- if after is string -%}
    {%- set after = after.split(',') | map('trim') | reject('equalto', '') | list -%}
{%- endif %}

with

labelled as (

    select
        *,
        coalesce({{ condition }}, false) as satisfies_rule

    from {{ model }}

),

violations as (

    select *
    from labelled
    where
        ({{ column_name }} = '{{ segment }}' and not satisfies_rule)
        or (
            satisfies_rule
            and {{ column_name }} != '{{ segment }}'
            {% if after | length > 0 -%}
                and {{ column_name }} not in ('{{ after | join("', '") }}')
            {%- endif %}
        )

)

select * from violations

{% endtest %}
