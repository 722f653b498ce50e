{#-
    A label looked up in another relation: fails for every row whose `column_name` differs from
    `value` in the row of `to` with the same `keys` (columns named alike on both sides), or from
    `default` when there is no such row. `value` is a SQL expression over `to`'s columns;
    `default` a SQL literal (null by default). Nulls compare equal.
-#}
{% test lookup_rule(model, column_name, to, keys, value, default='null') %}

with

lookup as (

    select
        {% for key in keys -%}
            {{ key }} as lookup_{{ key }},
        {% endfor -%}
        {{ value }} as looked_up_value

    from {{ to }}

),

compared as (

    select
        labelled.*,
        coalesce(lookup.looked_up_value, {{ default }}) as expected_value

    from {{ model }} as labelled
    left join lookup
        on
            {% for key in keys -%}
                labelled.{{ key }} = lookup.lookup_{{ key }}{{ " and" if not loop.last }}
            {% endfor %}

)

select *
from compared
where
    not (
        coalesce({{ column_name }} = expected_value, false)
        or ({{ column_name }} is null and expected_value is null)
    )

{% endtest %}
