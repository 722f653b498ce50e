{#-
    Incremental parsing of raw files (the *_parsed models in models/staging/raw/base).

    With raw_dir on DuckDB, each parsed row stores the file it came from and that file's
    fingerprint (size and last-modified time, from raw_files.<table>_files). A run parses only
    the rows of files whose (name, fingerprint) is not stored yet; its pre-hook first deletes the
    rows of stored files that changed or are gone. Everywhere else the models are plain tables.
-#}

{#- 'incremental' when raw files are read on DuckDB, else 'table' (loaded tables, the seeds). -#}
{% macro raw_parse_materialization() -%}
    {%- if var('raw_dir', none) and target.type == 'duckdb' -%}
        {{ return('incremental') }}
    {%- else -%}
        {{ return('table') }}
    {%- endif -%}
{%- endmacro %}


{#-
    The names of the current files of raw_table (raw_orders, raw_customers) whose name and
    fingerprint are not among the rows stored in this model: the files an incremental run parses.
    Sorted; empty at parse time.
-#}
{% macro raw_files_to_parse(raw_table) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        with

        stored as (

            select distinct
                source_file,
                source_file_size,
                source_file_modified_at
            from {{ this }}

        )

        select files.source_file
        from {{ source('raw', raw_table ~ '_files') }} as files
        left join stored
            on
                files.source_file = stored.source_file
                and files.file_size = stored.source_file_size
                and files.file_modified_at = stored.source_file_modified_at
        where stored.source_file is null
        order by files.source_file
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}


{#-
    The where-condition of an incremental run's source rows: only rows of raw_files_to_parse
    (a constant list, so that DuckDB skips the other files without reading them).
-#}
{% macro raw_files_to_parse_condition(raw_table) -%}
    {%- set files = raw_files_to_parse(raw_table) -%}
    {%- if files | length == 0 -%}
        false
    {%- else -%}
        source_file in ({{ quoted_list(files) }})
    {%- endif -%}
{%- endmacro %}


{#-
    The select of a *_parsed model's source rows: every raw column, and the file each row came
    from with its fingerprint (source_file, source_file_size, source_file_modified_at). With
    raw_dir the fingerprint comes from raw_files.<raw_table>_files, and an incremental run keeps
    only the rows of raw_files_to_parse; without it (a loaded table, or the sample seed)
    source_file is the raw table's name and the fingerprint is null. Only the sample seed is a dbt
    node to depend on: the seeds are disabled unless use_sample_data is true.
-#}
{#-
    The contract's columns of a seed or loaded raw table (raw_contract), each as
    `<expression> as <column>`: the table's column whose name matches it trimmed and
    case-insensitively, or null when the table lacks that (optional) column. At parse time, and
    while the relation does not exist yet, every column is taken as present.
-#}
{% macro raw_table_columns(raw_table) -%}
    {%- set present = {} -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(source('raw', raw_table)) -%}
            {%- set key = _raw_column_key(column.name) -%}
            {%- if key not in present -%}
                {%- do present.update({key: 'source.' ~ adapter.quote(column.name)}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for name, required in raw_contract()[raw_table] -%}
        {%- if not present -%}
            {#- parse time, or a relation not built yet (a seed in a unit test's build) -#}
            {%- do columns.append('source.' ~ name ~ ' as ' ~ name) -%}
        {%- elif name in present -%}
            {%- do columns.append(present[name] ~ ' as ' ~ name) -%}
        {%- else -%}
            {%- do columns.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}


{% macro raw_source_rows(raw_table) -%}
    {%- if var('raw_dir', none) is none %}
    {%- if var('use_sample_data', false) is sameas true %}
    -- depends_on: {{ ref(raw_table) }}
    {%- endif %}
    select
        {%- for column in raw_table_columns(raw_table) %}
        {{ column }},
        {%- endfor %}
        cast({{ string_literal(raw_table) }} as {{ dbt.type_string() }}) as source_file,
        cast(null as {{ dbt.type_bigint() }}) as source_file_size,
        cast(null as {{ dbt.type_timestamp() }}) as source_file_modified_at
    from {{ source('raw', raw_table) }} as source
    {%- else %}
    select
        source.*,
        files.file_size as source_file_size,
        files.file_modified_at as source_file_modified_at
    from (
        select * from {{ source('raw', raw_table) }}
        {%- if is_incremental() %}
        where {{ raw_files_to_parse_condition(raw_table) }}
        {%- endif %}
    ) as source
    left join {{ source('raw', raw_table ~ '_files') }} as files
        on source.source_file = files.source_file
    {%- endif %}
{%- endmacro %}


{#-
    Pre-hook of an incremental run: deletes the stored rows of every file that is no longer
    listed with the same name, size and last-modified time (rewritten, replaced or removed
    files, and rows stored without a fingerprint). Nothing on a full build.
-#}
{% macro delete_changed_raw_files(raw_table) -%}
    {%- if var('raw_dir', none) and is_incremental() -%}
        delete from {{ this }} as stored
        where not exists (
            select 1
            from {{ source('raw', raw_table ~ '_files') }} as files
            where
                files.source_file = stored.source_file
                and files.file_size = stored.source_file_size
                and files.file_modified_at = stored.source_file_modified_at
        )
    {%- endif -%}
{%- endmacro %}


{#-
    Incremental ranking of versions (base_raw__orders, base_raw__customers), with raw_dir on
    DuckDB. The rank of a row depends only on the other rows of the same id, so a run re-ranks
    only the ids that appear in files this model has not stored yet (by name and fingerprint),
    plus every row without an id (ranked together). When a stored file was rewritten or removed,
    its ids cannot be found any more in the parsed rows, so the run ranks everything again.
-#}

{#- How many files (name and fingerprint) of `parsed` this model lacks, and how many it stores
    that `parsed` no longer has. Zeros at parse time. -#}
{% macro raw_version_changes(parsed) -%}
    {%- if not execute -%}
        {{ return({'new_files': 0, 'gone_files': 0}) }}
    {%- endif -%}
    {%- set query -%}
        with

        parsed_files as (
            select distinct source_file, source_file_size, source_file_modified_at from {{ parsed }}
        ),

        stored_files as (
            select distinct source_file, source_file_size, source_file_modified_at from {{ this }}
        )

        select
            (select count(*) from (select * from parsed_files except select * from stored_files))
                as new_files,
            (select count(*) from (select * from stored_files except select * from parsed_files))
                as gone_files
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {{ return({'new_files': row[0], 'gone_files': row[1]}) }}
{%- endmacro %}


{#- The ids of `key` in the rows of `parsed` from files this model does not store (a subquery). -#}
{% macro ids_in_new_raw_files(parsed, key) -%}
    select rows_of_new_files.{{ key }}
    from {{ parsed }} as rows_of_new_files
    where not exists (
        select 1
        from {{ this }} as stored
        where
            stored.source_file = rows_of_new_files.source_file
            and stored.source_file_size = rows_of_new_files.source_file_size
            and stored.source_file_modified_at = rows_of_new_files.source_file_modified_at
    )
{%- endmacro %}


{#- The where-condition on `parsed` of an incremental run: the rows to rank (see above). -#}
{% macro raw_versions_to_rank_condition(parsed, key) -%}
    {%- set changes = raw_version_changes(parsed) -%}
    {%- if changes['gone_files'] > 0 -%}
        true
    {%- elif changes['new_files'] == 0 -%}
        {{ key }} is null
    {%- else -%}
        {{ key }} is null or {{ key }} in ({{ ids_in_new_raw_files(parsed, key) }})
    {%- endif -%}
{%- endmacro %}


{#- Pre-hook of an incremental run: deletes the stored rows that the run ranks again. -#}
{% macro delete_raw_versions_to_rank(parsed, key) -%}
    {%- if var('raw_dir', none) and is_incremental() -%}
        {%- set changes = raw_version_changes(parsed) -%}
        delete from {{ this }}
        {%- if changes['gone_files'] == 0 %}
        where {{ key }} is null or {{ key }} in ({{ ids_in_new_raw_files(parsed, key) }})
        {%- endif %}
    {%- endif -%}
{%- endmacro %}


{#-
    The select of raw_table's malformed lines (raw_table, the file and its fingerprint,
    line_number, malformed_line_error, raw_line): the source raw_table_malformed_lines with
    raw_dir, else (and for an absent optional table) no rows.
-#}
{% macro raw_malformed_lines(raw_table) -%}
    {%- if var('raw_dir', none) and raw_table_present(raw_table) %}
    select
        {{ string_literal(raw_table) }} as raw_table,
        source_file,
        source_file_size,
        source_file_modified_at,
        line_number,
        malformed_line_error,
        raw_line
    from {{ source('raw', raw_table ~ '_malformed_lines') }}
    {%- else %}
    select
        cast({{ string_literal(raw_table) }} as {{ dbt.type_string() }}) as raw_table,
        cast(null as {{ dbt.type_string() }}) as source_file,
        cast(null as {{ dbt.type_bigint() }}) as source_file_size,
        cast(null as {{ dbt.type_timestamp() }}) as source_file_modified_at,
        cast(null as {{ dbt.type_bigint() }}) as line_number,
        cast(null as {{ dbt.type_string() }}) as malformed_line_error,
        cast(null as {{ dbt.type_string() }}) as raw_line
    where 1 = 0
    {%- endif %}
{%- endmacro %}


{#-
    The source rows of an optional raw table (optional_raw_tables), as raw_source_rows gives
    them when the table is present (raw_table_present), else no rows with the same columns.
-#}
{% macro optional_raw_source_rows(raw_table) -%}
    {%- if raw_table_present(raw_table) %}
    {{ raw_source_rows(raw_table) }}
    {%- else %}
    select
        {%- for name, required in raw_contract()[raw_table] %}
        cast(null as {{ dbt.type_string() }}) as {{ name }},
        {%- endfor %}
        cast(null as {{ dbt.type_string() }}) as source_file,
        cast(null as {{ dbt.type_bigint() }}) as source_file_size,
        cast(null as {{ dbt.type_timestamp() }}) as source_file_modified_at
    where 1 = 0
    {%- endif %}
{%- endmacro %}


{#- The number of rows of raw table raw_table as a scalar subquery; 0 for an absent optional table. -#}
{% macro raw_table_row_count(raw_table) -%}
    {%- if raw_table_present(raw_table) -%}
        (select count(*) from {{ source('raw', raw_table) }})
    {%- else -%}
        0
    {%- endif -%}
{%- endmacro %}
