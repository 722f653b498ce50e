{#- Fails for every row where `expression` is false or null. -#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where {{ expression_violation(expression) }}

{% endtest %}
