{#-
    A boolean overlay stated both ways: fails for every row where the flag is null, or is true
    while `condition` does not hold, or is false while it holds. A null condition counts as false.
-#}
{% test flag_rule(model, column_name, condition) %}

with

checked as (

    select
        *,
        coalesce({{ condition }}, false) as satisfies_rule

    from {{ model }}

)

select *
from checked
where
    {{ column_name }} is null
    or ({{ column_name }} and not satisfies_rule)
    or (not {{ column_name }} and satisfies_rule)

{% endtest %}
