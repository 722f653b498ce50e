{#-
    Incremental parsing of raw files (the *_parsed models in models/staging/raw/base).

    With raw_dir on DuckDB, each parsed row stores the file it came from and that file's
    fingerprint (size and last-modified time, from raw.<table>_files). A run parses only the rows
    of files whose (name, fingerprint) is not stored yet; its pre-hook first deletes the rows of
    stored files that changed or are gone. Everywhere else the models are plain tables.
-#}

{#- 'incremental' when raw files are read on DuckDB, else 'table' (the seeds, other engines). -#}
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
