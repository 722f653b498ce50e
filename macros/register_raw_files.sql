{#-
    With `--vars '{raw_dir: /path/to/folder}'`, points the `raw` source tables at files in that
    folder instead of the bundled seeds: for each of raw_customers and raw_orders it takes the
    Parquet files `<name>*.parquet` if there are any, else `<name>*.csv` (or `<name>*.csv.gz`), so
    a daily delta can be added as another file (raw_orders_2026-07-01.parquet), and (re)creates
    the view raw.<name> over them with every column read as text. Runs as an on-run-start hook;
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
        {%- set found_reader = namespace(sql=none) -%}
        {%- set candidates = [
            (folder ~ '/' ~ table ~ '*.parquet', "read_parquet('{}', union_by_name = true)"),
            (
                folder ~ '/' ~ table ~ '*.csv',
                "read_csv('{}', header = true, all_varchar = true, union_by_name = true)",
            ),
            (
                folder ~ '/' ~ table ~ '*.csv.gz',
                "read_csv('{}', header = true, all_varchar = true, union_by_name = true)",
            ),
        ] -%}
        {%- for path, template in candidates -%}
            {%- if found_reader.sql is none -%}
                {%- set found = run_query("select count(*) from glob('" ~ path.replace("'", "''") ~ "')") -%}
                {%- if found.columns[0].values()[0] > 0 -%}
                    {%- set found_reader.sql = template.format(path.replace("'", "''")) -%}
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
        {%- do statements.append(
            'create or replace view raw.' ~ table ~ ' as select * from ' ~ found_reader.sql
        ) -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{% endmacro %}
