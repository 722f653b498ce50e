{#-
    One rule of a first-match-wins ladder, checked in both directions:
    - every row labelled `segment` satisfies `condition`;
    - every row that satisfies `condition` and is not labelled with one of the earlier
      segments (`after`) is labelled `segment`.
    Stated for each rung in turn, this proves the whole ladder. A null condition counts as false.
    `after` is a list, or comma-separated text (what macro lifecycle_rungs_before renders).
-#}
{% test segment_rule(model, column_name, segment, condition, after=[]) %}

select *
from {{ model }}
where {{ segment_rule_violation(column_name, segment, condition, after) }}

{% endtest %}
