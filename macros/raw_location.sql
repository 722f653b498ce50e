{#-
    Where the `raw` source is read, and the checks at the start of a run.

    The location itself is resolved in one place, the source's definition
    (models/staging/raw/_raw__sources.yml), because dbt renders source properties with vars and
    the target only, not with macros:

    - with `raw_dir` (DuckDB): the views over the files, in schema `raw_files`;
    - else with `use_sample_data: true`: the bundled sample seeds, in schema `raw_sample`;
    - else the tables a loader wrote (COPY, dlt, Airbyte, Fivetran, ...): raw.raw_customers and
      raw.raw_orders unless the vars raw_schema, raw_customers_identifier, raw_orders_identifier
      and raw_database say otherwise.

    Everything else reads the resolved relation from the graph (raw_source_relation). Nothing in
    the project writes the loaded tables: the sample lives in a schema of its own.
-#}

{#- The relation the `raw` source's table raw_table (raw_customers, raw_orders) reads, as the
    source definition resolved it. At run time only (it reads the graph). -#}
{% macro raw_source_relation(raw_table) -%}
    {%- set source = graph.sources['source.' ~ project_name ~ '.raw.' ~ raw_table] -%}
    {{ return(api.Relation.create(
        database=source.database, schema=source.schema, identifier=source.identifier
    )) }}
{%- endmacro %}


{#-
    on-run-start hook, after register_raw_files. Stops the run before anything is built, with one
    message:

    - when var use_sample_data is not true or false;
    - when reading the sample, if the source does not read the schema the seeds load into (the
      source definition and generate_schema_name disagree);
    - when reading loaded tables (neither raw_dir nor use_sample_data), if either raw table is
      missing: the message names what was looked for and the ways to fix it.

    Reads only; renders no SQL.
-#}
{% macro check_raw_tables_exist() %}
    {%- set use_sample_data = var('use_sample_data', false) -%}
    {%- if use_sample_data is not sameas true and use_sample_data is not sameas false -%}
        {{ exceptions.raise_compiler_error(
            "var 'use_sample_data' must be true or false, got: " ~ use_sample_data
        ) }}
    {%- endif -%}
    {%- if not execute or var('raw_dir', none) -%}
        {{ return('') }}
    {%- endif -%}
    {%- if use_sample_data -%}
        {%- for raw_table in ['raw_customers', 'raw_orders'] -%}
            {%- set seed = graph.nodes['seed.' ~ project_name ~ '.' ~ raw_table] -%}
            {%- set read = raw_source_relation(raw_table) -%}
            {%- if read.schema != seed.schema or read.identifier != seed.alias -%}
                {{ exceptions.raise_compiler_error(
                    "source raw." ~ raw_table ~ " reads " ~ read.render() ~ " but the sample seed"
                    ~ " loads into " ~ seed.schema ~ "." ~ seed.alias
                    ~ ": models/staging/raw/_raw__sources.yml and generate_schema_name disagree"
                ) }}
            {%- endif -%}
        {%- endfor -%}
        {{ return('') }}
    {%- endif -%}
    {%- set missing = [] -%}
    {%- for raw_table in ['raw_customers', 'raw_orders'] -%}
        {%- set relation = raw_source_relation(raw_table) -%}
        {%- if adapter.get_relation(
            database=relation.database, schema=relation.schema, identifier=relation.identifier
        ) is none -%}
            {%- do missing.append(relation.render()) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "The raw tables are not there: no " ~ (missing | join(' and no ')) ~ " (target '"
            ~ target.name ~ "'). Load the raw exports there (every column as text; README,"
            ~ " \"Raw input contract\"), or say where they are with the vars raw_schema,"
            ~ " raw_customers_identifier and raw_orders_identifier"
            ~ (" (and raw_database)" if target.type != 'spark' else "")
            ~ ", or read files with raw_dir (DuckDB), or build the bundled sample with"
            ~ " --vars '{use_sample_data: true}'."
        ) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{#-
    on-run-start hook, after register_raw_files, DuckDB with raw_dir only: the `raw` source reads
    the views over the files from schema raw_files. While register_raw_files still creates them in
    schema raw, this adds, for each one missing from raw_files, a view there of the same name over
    it. Once register_raw_files creates them in raw_files itself, none is missing and this does
    nothing (and can go).
-#}
{% macro link_raw_files_views() %}
    {%- if not var('raw_dir', none) or target.type != 'duckdb' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set statements = ['create schema if not exists raw_files'] -%}
    {%- for name in ['raw_customers', 'raw_orders', 'raw_customers_files', 'raw_orders_files'] -%}
        {%- do statements.append(
            'create view if not exists raw_files.' ~ name ~ ' as select * from raw.' ~ name
        ) -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{% endmacro %}
