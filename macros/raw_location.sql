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
    {%- set source = graph.sources['source.' ~ segmentation_package() ~ '.raw.' ~ raw_table] -%}
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
      missing: the message names what was looked for and the ways to fix it; or if a loaded
      table lacks a required column of the contract (check_raw_columns).

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
            {%- set seed = graph.nodes['seed.' ~ segmentation_package() ~ '.' ~ raw_table] -%}
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
    {%- set found = {} -%}
    {%- for raw_table in ['raw_customers', 'raw_orders'] -%}
        {%- set relation = raw_source_relation(raw_table) -%}
        {%- set existing = adapter.get_relation(
            database=relation.database, schema=relation.schema, identifier=relation.identifier
        ) -%}
        {%- if existing is none -%}
            {%- do missing.append(relation.render()) -%}
        {%- else -%}
            {%- do found.update({raw_table: existing}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "The raw tables are not there: no " ~ (missing | join(' and no ')) ~ " (target '"
            ~ target.name ~ "'). Load the raw exports there (every column as text; docs/raw-data.md,"
            ~ " \"Raw input contract\"), or say where they are with the vars raw_schema,"
            ~ " raw_customers_identifier and raw_orders_identifier"
            ~ (" (and raw_database)" if target.type != 'spark' else "")
            ~ ", or read files with raw_dir (DuckDB), or build the bundled sample with"
            ~ " --vars '{use_sample_data: true}'."
        ) }}
    {%- endif -%}
    {#- the loaded tables' columns against the contract: a missing required column stops the run -#}
    {%- for raw_table, relation in found.items() -%}
        {%- set names = [] -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do names.append(column.name) -%}
        {%- endfor -%}
        {%- do check_raw_columns(raw_table, names, "raw table " ~ relation.render()) -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}
