{#-
    on-run-end hook. On PostgreSQL:

    - lets the role in var `bi_reader_role` use the marts schema when this run built into it:
      dbt's `grants` config gives select on each mart but not usage of its schema, without which
      the role can read nothing;
    - when this run built into schema `quarantine` (models that keep raw personal fields, for the
      people who check rejected rows), gives the role in var `data_quality_role` usage of it and
      select on each model built there, and takes from the BI role any privilege on those models
      (a model below models/marts inherits the marts' grants config); the BI role never gets
      usage of it.

    Elsewhere, or with an empty var, nothing for that role. The statements come from the run's
    results alone: a query while the hook is rendered would open a transaction that dbt rolls
    back when the hooks end, grants and all.
-#}
{% macro grant_schema_usage(built_schemas, run_results) %}
    {{ return(adapter.dispatch('grant_schema_usage', 'segmentation')(built_schemas, run_results)) }}
{% endmacro %}

{% macro default__grant_schema_usage(built_schemas, run_results) %}
    {{ return('') }}
{% endmacro %}

{% macro postgres__grant_schema_usage(built_schemas, run_results) %}
    {%- set bi_reader = var('bi_reader_role', 'bi_reader') -%}
    {%- set data_quality = var('data_quality_role', 'data_quality_reader') -%}
    {%- set statements = [] -%}
    {%- if bi_reader and 'marts' in built_schemas -%}
        {%- do statements.append('grant usage on schema marts to ' ~ adapter.quote(bi_reader)) -%}
    {%- endif -%}
    {%- if 'quarantine' in built_schemas -%}
        {%- for relation in quarantine_relations(run_results) -%}
            {%- if bi_reader -%}
                {%- do statements.append(
                    'revoke all on ' ~ relation ~ ' from ' ~ adapter.quote(bi_reader)
                ) -%}
            {%- endif -%}
            {%- if data_quality -%}
                {%- do statements.append(
                    'grant select on ' ~ relation ~ ' to ' ~ adapter.quote(data_quality)
                ) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if data_quality -%}
            {%- do statements.append(
                'grant usage on schema quarantine to ' ~ adapter.quote(data_quality)
            ) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(statements | join(';\n')) }}
{% endmacro %}


{#- The relations of the models this run built into schema quarantine. -#}
{% macro quarantine_relations(run_results) %}
    {%- set relations = [] -%}
    {%- for result in run_results -%}
        {%- if result.node.resource_type == 'model' and result.status == 'success'
            and result.node.schema == 'quarantine' -%}
            {%- do relations.append(api.Relation.create(
                database=result.node.database,
                schema=result.node.schema,
                identifier=result.node.alias,
            )) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(relations) }}
{% endmacro %}
