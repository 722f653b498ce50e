{#-
    A boolean overlay stated both ways: fails for every row where the flag is null, or is true
    while `condition` does not hold, or is false while it holds. A null condition counts as false.
-#}
{% test flag_rule(model, column_name, condition) %}

select *
from {{ model }}
where {{ flag_rule_violation(column_name, condition) }}

{% endtest %}
