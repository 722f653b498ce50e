{#- Calendar helpers of the buying-timing types (docs/customer-types.md, "Timing"). -#}

{#- SQL for the ISO day of the week of a date: 1 Monday ... 7 Sunday. -#}
{% macro iso_day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'segmentation')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expression) -%}
    cast(extract(isodow from {{ date_expression }}) as {{ dbt.type_int() }})
{%- endmacro %}

{% macro postgres__iso_day_of_week(date_expression) -%}
    cast(extract(isodow from {{ date_expression }}) as integer)
{%- endmacro %}

{#- Spark's dayofweek counts 1 Sunday ... 7 Saturday. -#}
{% macro spark__iso_day_of_week(date_expression) -%}
    cast(((dayofweek({{ date_expression }}) + 5) % 7) + 1 as int)
{%- endmacro %}


{#-
    SQL for the anniversary, `years` (an integer expression) years after `anchor_date`, as a date.
    A 29 February anchor falls on 28 February in common years (dbt.dateadd on every engine).
-#}
{% macro anniversary_date(anchor_date, years) -%}
    cast({{ dbt.dateadd('year', years, anchor_date) }} as date)
{%- endmacro %}
