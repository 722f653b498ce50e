{#- Fails for every value of `input` whose rows do not all have the same `column_name` (nulls included). -#}
{% test same_input_same_value(model, column_name, input) %}

select
    {{ input }} as input_value,
    count(distinct {{ column_name }}) as distinct_values,
    count(*) - count({{ column_name }}) as null_values,
    count(*) as occurrences

from {{ model }}
group by {{ input }}
having
    count(distinct {{ column_name }}) > 1
    or (count(distinct {{ column_name }}) = 1 and count(*) > count({{ column_name }}))

{% endtest %}
