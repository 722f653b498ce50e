{#-
    on-run-end hook. On PostgreSQL, lets the role in var `bi_reader_role` use the marts schema
    when this run built into it: dbt's `grants` config gives select on each mart but not usage of
    its schema, without which the role can read nothing. Elsewhere, or with an empty var, nothing.
-#}
{% macro grant_marts_schema_usage(built_schemas) %}
    {{ return(adapter.dispatch('grant_marts_schema_usage', 'segmentation')(built_schemas)) }}
{% endmacro %}

{% macro default__grant_marts_schema_usage(built_schemas) %}
    {{ return('') }}
{% endmacro %}

{% macro postgres__grant_marts_schema_usage(built_schemas) %}
    {%- set role = var('bi_reader_role', 'bi_reader') -%}
    {%- if not role or 'marts' not in built_schemas -%}
        {{ return('') }}
    {%- endif -%}
    {{ return('grant usage on schema marts to ' ~ adapter.quote(role)) }}
{% endmacro %}
