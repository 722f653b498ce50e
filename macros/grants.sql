{#-
    on-run-end hook. On PostgreSQL:

    - lets the role in var `bi_reader_role` use the marts schema and select each mart this run
      built (here, not in dbt's `grants` config, which dbt_project.yml would set with the
      command line's vars only, and which gives no usage of the schema);
    - when this run built into schema `quarantine` (models that keep raw personal fields, for the
      people who check rejected rows), gives the role in var `data_quality_role` usage of it and
      select on each model built there, and takes from the BI role any privilege on those models;
      the BI role never gets usage of it;
    - when this run built into schema `audiences` (the contact lists, with names, emails and
      phones), takes from the BI role any privilege on those models; no role is granted anything
      there (the lists are read by the owner, `make audiences`).

    Elsewhere, or with an empty var, nothing for that role; with var segmentation_using_grants
    false, nothing at all. The statements come from the run's
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
    {%- if not segmentation_setting('segmentation_using_grants') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set bi_reader = var('bi_reader_role') -%}
    {%- set data_quality = var('data_quality_role') -%}
    {%- set marts = segmentation_built_relations(run_results, 'marts') -%}
    {%- set quarantine = segmentation_built_relations(run_results, 'quarantine') -%}
    {%- set audiences = segmentation_built_relations(run_results, 'audiences') -%}
    {%- set statements = [] -%}
    {%- if bi_reader -%}
        {%- for schema in marts | map(attribute='schema') | unique -%}
            {%- do statements.append(
                'grant usage on schema ' ~ adapter.quote(schema) ~ ' to ' ~ adapter.quote(bi_reader)
            ) -%}
        {%- endfor -%}
        {%- for relation in marts -%}
            {%- do statements.append(
                'grant select on ' ~ relation ~ ' to ' ~ adapter.quote(bi_reader)
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for relation in quarantine -%}
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
    {%- for relation in audiences if bi_reader -%}
        {%- do statements.append(
            'revoke all on ' ~ relation ~ ' from ' ~ adapter.quote(bi_reader)
        ) -%}
    {%- endfor -%}
    {%- if data_quality -%}
        {%- for schema in quarantine | map(attribute='schema') | unique -%}
            {%- do statements.append(
                'grant usage on schema ' ~ adapter.quote(schema) ~ ' to ' ~ adapter.quote(data_quality)
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(statements | join(';\n')) }}
{% endmacro %}


{#-
    The relations of this project's models that this run built with the custom schema
    `custom_schema` (marts, quarantine) in dbt_project.yml, wherever generate_schema_name put
    them (a project that installs this one as a package may name schemas its own way).
-#}
{% macro segmentation_built_relations(run_results, custom_schema) %}
    {%- set relations = [] -%}
    {%- for result in run_results -%}
        {%- if result.node.resource_type == 'model' and result.status == 'success'
            and result.node.package_name == segmentation_package()
            and result.node.config.schema == custom_schema
            and result.node.config.materialized != 'ephemeral' -%}
            {%- do relations.append(api.Relation.create(
                database=result.node.database,
                schema=result.node.schema,
                identifier=result.node.alias,
            )) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(relations) }}
{% endmacro %}
