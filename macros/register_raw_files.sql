{#-
    With `--vars '{raw_dir: /path/to/folder}'`, points the `raw` source tables at files in that
    folder instead of the bundled seeds: for each of raw_customers and raw_orders it takes the
    Parquet files `<name>*.parquet` if there are any, else `<name>*.csv` (or `<name>*.csv.gz`), so
    a daily delta can be added as another file (raw_orders_2026-07-01.parquet), and (re)creates
    the view raw.<name> over them with every column read as text, plus `source_file`: the name of
    the file each row comes from, relative to the folder. Beside it, the view raw.<name>_files
    lists the same files (source_file, file_size, file_modified_at), the fingerprint the
    incremental *_parsed models compare with what they stored. Runs as an on-run-start hook;
    missing files stop the run with a message naming them. Without raw_dir it does nothing.
-#}
{% macro register_raw_files() %}
    {{ return(adapter.dispatch('register_raw_files', 'segmentation')()) }}
{% endmacro %}


{% macro default__register_raw_files() %}
    {%- if var('raw_dir', none) -%}
        {{ exceptions.raise_compiler_error("var 'raw_dir' is supported on DuckDB targets only") }}
    {%- endif -%}
{% endmacro %}


{% macro duckdb__register_raw_files() %}
    {%- set raw_dir = var('raw_dir', none) -%}
    {%- if not raw_dir or not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set folder = (raw_dir | string).rstrip('/') -%}
    {%- set statements = ['create schema if not exists raw'] -%}
    {%- for table in ['raw_customers', 'raw_orders'] -%}
        {%- set found_reader = namespace(sql=none, path=none) -%}
        {%- set candidates = [
            (folder ~ '/' ~ table ~ '*.parquet', "read_parquet('{}', union_by_name = true, filename = true)"),
            (
                folder ~ '/' ~ table ~ '*.csv',
                "read_csv('{}', header = true, all_varchar = true, union_by_name = true, filename = true)",
            ),
            (
                folder ~ '/' ~ table ~ '*.csv.gz',
                "read_csv('{}', header = true, all_varchar = true, union_by_name = true, filename = true)",
            ),
        ] -%}
        {%- for path, template in candidates -%}
            {%- if found_reader.sql is none -%}
                {%- set found = run_query("select count(*) from glob('" ~ path.replace("'", "''") ~ "')") -%}
                {%- if found.columns[0].values()[0] > 0 -%}
                    {%- set found_reader.sql = template.format(path.replace("'", "''")) -%}
                    {%- set found_reader.path = path.replace("'", "''") -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if found_reader.sql is none -%}
            {{ exceptions.raise_compiler_error(
                "raw_dir '" ~ folder ~ "' has no " ~ table ~ "*.parquet, " ~ table ~ "*.csv or "
                ~ table ~ "*.csv.gz"
            ) }}
        {%- endif -%}
        {%- set existing = run_query(
            "select table_type from information_schema.tables where table_schema = 'raw'"
            ~ " and table_name = '" ~ table ~ "'"
        ) -%}
        {%- if existing.rows | length > 0 and existing.columns[0].values()[0] == 'BASE TABLE' -%}
            {#- a seed loaded earlier into the same file -#}
            {%- do statements.append('drop table raw.' ~ table) -%}
        {%- endif -%}
        {#-
            The files sit directly in the folder, so a file's name is its path relative to it (the
            folder itself may be moved or copied without changing what was stored). A filter on
            source_file prunes whole files before they are read.
        -#}
        {%- do statements.append(
            'create or replace view raw.' ~ table ~ ' as select * exclude (filename),'
            ~ ' parse_filename(filename) as source_file from ' ~ found_reader.sql
        ) -%}
        {#- size and last-modified time (whole seconds, UTC) only: the file contents are not read -#}
        {%- do statements.append(
            'create or replace view raw.' ~ table ~ '_files as select'
            ~ ' parse_filename(filename) as source_file,'
            ~ ' size as file_size,'
            ~ " last_modified at time zone 'UTC' as file_modified_at"
            ~ " from read_blob('" ~ found_reader.path ~ "')"
        ) -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{% endmacro %}
