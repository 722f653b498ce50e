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
    Whether the raw table raw_table is read in this run. raw_customers and raw_orders always are;
    an optional table (optional_raw_tables) is present unless the var skip_raw_tables lists it,
    and then: with raw_dir, when the folder has at least one of its files (an empty file is an
    empty export, present); with the sample, always (the sample has every table); else when the
    loaded table exists. True at parse time.
-#}
{% macro raw_table_present(raw_table) -%}
    {%- if raw_table not in optional_raw_tables() -%}
        {{ return(true) }}
    {%- elif raw_table in var('skip_raw_tables', []) -%}
        {{ return(false) }}
    {%- elif not execute or graph.sources is not defined -%}
        {#- parse time, or a unit test (its source rows are given) -#}
        {{ return(true) }}
    {%- elif var('raw_dir', none) -%}
        {{ return(raw_dir_files(raw_table) | length > 0) }}
    {%- elif var('use_sample_data', false) is sameas true -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set relation = raw_source_relation(raw_table) -%}
    {{ return(adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    ) is not none) }}
{%- endmacro %}


{#- The files of raw_table in raw_dir, as (path, format) pairs, sorted by path: its Parquet files
    if there is any, else its CSV and gzipped CSV files. DuckDB only; at run time. -#}
{% macro raw_dir_files(raw_table) -%}
    {%- set folder = (var('raw_dir') | string).rstrip('/') -%}
    {%- set listing = run_query(
        "select file, 'parquet' as format from glob(" ~ _duckdb_literal(folder ~ '/' ~ raw_table ~ '*.parquet') ~ ")"
        ~ " union all select file, 'csv' from glob(" ~ _duckdb_literal(folder ~ '/' ~ raw_table ~ '*.csv') ~ ")"
        ~ " union all select file, 'csv' from glob(" ~ _duckdb_literal(folder ~ '/' ~ raw_table ~ '*.csv.gz') ~ ")"
        ~ " order by file"
    ) -%}
    {%- set parquet = [] -%}
    {%- set csv = [] -%}
    {%- for row in listing.rows -%}
        {%- do (parquet if row[1] == 'parquet' else csv).append((row[0], row[1])) -%}
    {%- endfor -%}
    {{ return(parquet if parquet else csv) }}
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
    {%- for skipped in var('skip_raw_tables', []) -%}
        {%- if skipped not in optional_raw_tables() -%}
            {{ exceptions.raise_compiler_error(
                "var 'skip_raw_tables' lists '" ~ skipped ~ "', which is not an optional raw table: "
                ~ optional_raw_tables() | join(', ')
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if not execute or var('raw_dir', none) -%}
        {{ return('') }}
    {%- endif -%}
    {%- if use_sample_data -%}
        {%- for raw_table in ['raw_customers', 'raw_orders'] + optional_raw_tables() -%}
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
    {#- the optional tables that were loaded; a missing one is absent (its types are null) -#}
    {%- for raw_table in optional_raw_tables() if raw_table not in var('skip_raw_tables', []) -%}
        {%- set relation = raw_source_relation(raw_table) -%}
        {%- set existing = adapter.get_relation(
            database=relation.database, schema=relation.schema, identifier=relation.identifier
        ) -%}
        {%- if existing is none -%}
            {%- do log(
                "optional raw table " ~ relation.render() ~ " is not there: read as absent"
                ~ " (the customer types that need it are null)", info=true
            ) -%}
        {%- else -%}
            {%- do found.update({raw_table: existing}) -%}
        {%- endif -%}
    {%- endfor -%}
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
