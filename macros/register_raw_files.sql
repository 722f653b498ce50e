{#-
    With `--vars '{raw_dir: /path/to/folder}'`, points the raw source tables at files in that
    folder: for each raw table of the contract (raw_customers, raw_orders and the optional ones
    not listed in the var skip_raw_tables) it takes the Parquet files `<name>*.parquet`
    if there are any, else the CSV files `<name>*.csv` and `<name>*.csv.gz`, so a daily delta
    can be added as another file (raw_orders_2026-07-01.parquet). Runs as an on-run-start hook,
    before any model, and (re)creates in schema `raw_files` (never the user's raw schema):

    - raw_files.<name>: every row of the files with the contract's columns as text, in contract
      order, plus `source_file` (the file's name, relative to the folder). Each file's header is
      checked first (raw_contract): a missing required column stops the run with one message
      naming the file; names are matched trimmed and case-insensitively, other columns are
      ignored, a missing optional column reads as null. A zero-byte or header-only file is an
      empty export. Typed Parquet columns are turned into the text a CSV export would hold
      (integers without `.0`, dates and timestamps in ISO form, doubles without float noise).
    - raw_files.<name>_files: the files (source_file, file_size, file_modified_at), the
      fingerprint the incremental *_parsed models compare with what they stored.
    - raw_files.<name>_malformed_lines: the CSV lines the reader cannot split into the header's
      fields (too many or too few fields, an unterminated quote, invalid UTF-8), with the file,
      its fingerprint, the line number and the line's text. These lines are left out of
      raw_files.<name> and reach the reject marts with reason `malformed_line`. Files are
      checked once per fingerprint (raw_files.<name>_checked_files); --full-refresh checks all.

    raw_customers or raw_orders with no file at all is an empty export (a message says so); an
    optional table with no file is absent (raw_table_present), its views empty; a folder with no
    file of either raw_customers or raw_orders stops the run. Without raw_dir it does nothing.
-#}
{% macro register_raw_files() %}
    {{ return(adapter.dispatch('register_raw_files', 'segmentation')()) }}
{% endmacro %}


{% macro default__register_raw_files() %}
    {%- if var('raw_dir', none) -%}
        {{ exceptions.raise_compiler_error("var 'raw_dir' is supported on DuckDB targets only") }}
    {%- endif -%}
{% endmacro %}


{#- A DuckDB string literal of `text`. -#}
{% macro _duckdb_literal(text) -%}
    {{ return("'" ~ (text | string).replace("'", "''") ~ "'") }}
{%- endmacro %}


{#- A DuckDB list literal of the file paths in `paths`. -#}
{% macro _duckdb_path_list(paths) -%}
    {%- set literals = [] -%}
    {%- for path in paths -%}
        {%- do literals.append(_duckdb_literal(path)) -%}
    {%- endfor -%}
    {{ return('[' ~ literals | join(', ') ~ ']') }}
{%- endmacro %}


{#- The delimiter of a CSV header line: the most frequent of , ; tab | (a comma on ties). -#}
{% macro _csv_delimiter(header) -%}
    {%- set best = namespace(delimiter=',', count=header.count(',')) -%}
    {%- for candidate in [';', '\t', '|'] -%}
        {%- if header.count(candidate) > best.count -%}
            {%- set best.delimiter = candidate -%}
            {%- set best.count = header.count(candidate) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(best.delimiter) }}
{%- endmacro %}


{#- The read_csv call of CSV files with one header layout: every field as text, no sniffing. -#}
{% macro _raw_csv_reader(paths, delimiter, field_count, extra_options='') -%}
    {%- set fields = [] -%}
    {%- for index in range(field_count) -%}
        {%- do fields.append("'field_" ~ (index + 1) ~ "': 'VARCHAR'") -%}
    {%- endfor -%}
    {{ return(
        'read_csv(' ~ _duckdb_path_list(paths)
        ~ ', auto_detect = false, header = true, delim = ' ~ _duckdb_literal(delimiter)
        ~ ", quote = '\"', escape = '\"', columns = {" ~ fields | join(', ') ~ '}'
        ~ ', filename = true' ~ extra_options ~ ')'
    ) }}
{%- endmacro %}


{#-
    A where-clause that reads every field of a CSV layout and keeps every row. DuckDB checks a
    field for valid UTF-8 only when it reads it: without this, which lines are rejected would
    depend on the columns a query selects.
-#}
{% macro _every_csv_field(field_count) -%}
    {%- set fields = [] -%}
    {%- for index in range(field_count) -%}
        {%- do fields.append('field_' ~ (index + 1)) -%}
    {%- endfor -%}
    {{ return(" where coalesce(" ~ fields | join(', ') ~ ", '') is not null") }}
{%- endmacro %}


{#- Text of a typed Parquet column as a CSV export would write it. -#}
{% macro _parquet_column_as_text(column, data_type) -%}
    {%- set quoted = '"' ~ column.replace('"', '""') ~ '"' -%}
    {%- set kind = data_type | upper -%}
    {%- if kind in ('DOUBLE', 'FLOAT', 'REAL') -%}
        {{ return(
            'case when isfinite(' ~ quoted ~ ') and ' ~ quoted ~ ' = trunc(' ~ quoted ~ ')'
            ~ ' and abs(' ~ quoted ~ ') < 1e18 then cast(cast(' ~ quoted ~ ' as bigint) as varchar)'
            ~ ' else cast(' ~ quoted ~ ' as varchar) end'
        ) }}
    {%- elif kind.startswith('TIMESTAMP_') -%}
        {{ return('cast(cast(' ~ quoted ~ ' as timestamp) as varchar)') }}
    {%- else -%}
        {{ return('cast(' ~ quoted ~ ' as varchar)') }}
    {%- endif -%}
{%- endmacro %}


{% macro duckdb__register_raw_files() %}
    {%- set raw_dir = var('raw_dir', none) -%}
    {%- if not raw_dir or not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set folder = (raw_dir | string).rstrip('/') -%}
    {%- do run_query('create schema if not exists raw_files') -%}
    {%- set found = namespace(tables=0) -%}
    {%- for table, contract in raw_contract().items() if table not in var('skip_raw_tables', []) -%}
        {#- the files: Parquet if there is any, else CSV and gzipped CSV -#}
        {%- set listing = raw_dir_files(table) -%}
        {%- set file_format = listing[0][1] if listing else 'csv' -%}
        {%- set files = [] -%}
        {%- for path, format in listing -%}
            {%- do files.append(path) -%}
        {%- endfor -%}
        {%- if files and table not in optional_raw_tables() -%}
            {%- set found.tables = found.tables + 1 -%}
        {%- elif table in optional_raw_tables() and not files -%}
            {%- do log(
                "raw_dir '" ~ folder ~ "' has no " ~ table ~ "*.parquet, " ~ table ~ "*.csv or "
                ~ table ~ "*.csv.gz: the optional table " ~ table ~ " is absent (the customer types"
                ~ " that need it are null)",
                info=true
            ) -%}
        {%- elif not files -%}
            {%- do log(
                "raw_dir '" ~ folder ~ "' has no " ~ table ~ "*.parquet, " ~ table ~ "*.csv or "
                ~ table ~ "*.csv.gz: " ~ table ~ " is read as an empty export",
                info=true
            ) -%}
        {%- endif -%}

        {#- the files' fingerprints; zero-byte files are empty exports -#}
        {%- if files -%}
            {%- do run_query(
                'create or replace view raw_files.' ~ table ~ '_files as select'
                ~ ' parse_filename(filename) as source_file,'
                ~ ' size as file_size,'
                ~ " last_modified at time zone 'UTC' as file_modified_at"
                ~ ' from read_blob(' ~ _duckdb_path_list(files) ~ ')'
            ) -%}
            {%- set sizes = run_query(
                'select filename, size from read_blob(' ~ _duckdb_path_list(files) ~ ')'
            ) -%}
        {%- else -%}
            {%- do run_query(
                'create or replace view raw_files.' ~ table ~ '_files as select'
                ~ ' cast(null as varchar) as source_file, cast(null as bigint) as file_size,'
                ~ ' cast(null as timestamp) as file_modified_at where false'
            ) -%}
        {%- endif -%}
        {%- set non_empty = [] -%}
        {%- if files -%}
            {%- for row in sizes.rows -%}
                {%- if row[1] > 0 -%}
                    {%- do non_empty.append(row[0]) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}

        {#- each file's columns, checked against the contract; files grouped by layout -#}
        {%- set layouts = {} -%}
        {%- for path in non_empty | sort -%}
            {%- set file_name = path.split('/') | last -%}
            {%- if file_format == 'parquet' -%}
                {%- set described = run_query(
                    'describe select * from read_parquet(' ~ _duckdb_literal(path) ~ ')'
                ) -%}
                {%- set names = described.columns[0].values() | list -%}
                {%- set types = described.columns[1].values() | list -%}
                {%- set layout_key = 'parquet|' ~ names | join('|') ~ '|' ~ types | join('|') -%}
                {%- set delimiter = none -%}
            {%- else -%}
                {%- set header_rows = run_query(
                    'select line from read_csv(' ~ _duckdb_literal(path) ~ ', auto_detect = false,'
                    ~ " header = false, columns = {'line': 'VARCHAR'}, delim = '\\0', quote = '',"
                    ~ " escape = '', ignore_errors = true, strict_mode = false) limit 1"
                ) -%}
                {%- if header_rows.rows | length == 0 -%}
                    {{ exceptions.raise_compiler_error(
                        "raw file '" ~ file_name ~ "' (raw_dir '" ~ folder ~ "') is not empty, but no"
                        ~ " header line could be read from it as UTF-8 text"
                    ) }}
                {%- elif header_rows.rows[0][0] is none or (header_rows.rows[0][0] | trim) == '' -%}
                    {#- a blank first line: an empty export -#}
                    {%- set names = none -%}
                {%- else -%}
                    {%- set header = header_rows.rows[0][0] | string -%}
                    {%- set delimiter = _csv_delimiter(header) -%}
                    {%- set names = header.split(delimiter) -%}
                    {%- set types = [] -%}
                    {%- set layout_key = 'csv|' ~ delimiter ~ '|' ~ names | length ~ '|' ~ names | join('|') -%}
                {%- endif -%}
            {%- endif -%}
            {%- if names is not none -%}
                {%- do check_raw_columns(table, names, "raw file '" ~ file_name ~ "' (raw_dir '" ~ folder ~ "')") -%}
                {%- if layout_key not in layouts -%}
                    {%- do layouts.update({layout_key: {
                        'names': names, 'types': types, 'delimiter': delimiter, 'paths': [],
                    }}) -%}
                {%- endif -%}
                {%- do layouts[layout_key]['paths'].append(path) -%}
            {%- endif -%}
        {%- endfor -%}

        {#- one select per layout, each giving the contract's columns as text -#}
        {%- set selects = [] -%}
        {%- for layout_key in layouts | sort -%}
            {%- set layout = layouts[layout_key] -%}
            {%- set keys = [] -%}
            {%- for name in layout['names'] -%}
                {%- do keys.append(_raw_column_key(name)) -%}
            {%- endfor -%}
            {%- set columns = [] -%}
            {%- for column, required in contract -%}
                {%- if column in keys -%}
                    {%- set position = keys.index(column) -%}
                    {%- if file_format == 'parquet' -%}
                        {%- do columns.append(
                            _parquet_column_as_text(layout['names'][position], layout['types'][position])
                            ~ ' as ' ~ column
                        ) -%}
                    {%- else -%}
                        {%- do columns.append('field_' ~ (position + 1) ~ ' as ' ~ column) -%}
                    {%- endif -%}
                {%- else -%}
                    {%- do columns.append('cast(null as varchar) as ' ~ column) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if file_format == 'parquet' -%}
                {%- set reader = 'read_parquet(' ~ _duckdb_path_list(layout['paths']) ~ ', filename = true)' -%}
            {%- else -%}
                {%- set reader = _raw_csv_reader(
                    layout['paths'], layout['delimiter'], layout['names'] | length, ', ignore_errors = true'
                ) -%}
            {%- endif -%}
            {%- set every_field = '' if file_format == 'parquet' else _every_csv_field(layout['names'] | length) -%}
            {%- do selects.append(
                'select ' ~ columns | join(', ') ~ ', parse_filename(filename) as source_file from '
                ~ reader ~ every_field
            ) -%}
        {%- endfor -%}
        {%- if not selects -%}
            {%- set empty_columns = [] -%}
            {%- for column, required in contract -%}
                {%- do empty_columns.append('cast(null as varchar) as ' ~ column) -%}
            {%- endfor -%}
            {%- do selects.append(
                'select ' ~ empty_columns | join(', ') ~ ', cast(null as varchar) as source_file where false'
            ) -%}
        {%- endif -%}
        {%- do run_query(
            'create or replace view raw_files.' ~ table ~ ' as ' ~ selects | join(' union all ')
        ) -%}

        {#- malformed CSV lines, collected once per file fingerprint -#}
        {%- do run_query(
            'create table if not exists raw_files.' ~ table ~ '_checked_files'
            ~ ' (source_file varchar, file_size bigint, file_modified_at timestamp)'
        ) -%}
        {%- do run_query(
            'create table if not exists raw_files.' ~ table ~ '_malformed_lines'
            ~ ' (source_file varchar, source_file_size bigint, source_file_modified_at timestamp,'
            ~ ' line_number bigint, malformed_line_error varchar, raw_line varchar)'
        ) -%}
        {%- for suffix, prefix in [('_checked_files', ''), ('_malformed_lines', 'source_')] -%}
            {%- if flags.FULL_REFRESH -%}
                {%- do run_query('delete from raw_files.' ~ table ~ suffix) -%}
            {%- else -%}
                {%- do run_query(
                    'delete from raw_files.' ~ table ~ suffix ~ ' as stored where not exists ('
                    ~ 'select 1 from raw_files.' ~ table ~ '_files as files'
                    ~ ' where files.source_file = stored.source_file'
                    ~ ' and files.file_size = stored.' ~ prefix ~ 'file_size'
                    ~ ' and files.file_modified_at = stored.' ~ prefix ~ 'file_modified_at)'
                ) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if file_format == 'csv' -%}
            {%- set checked = run_query(
                'select source_file from raw_files.' ~ table ~ '_checked_files'
            ).columns[0].values() | list -%}
            {%- for layout_key in layouts | sort -%}
                {%- set layout = layouts[layout_key] -%}
                {%- set to_check = [] -%}
                {%- for path in layout['paths'] -%}
                    {%- if (path.split('/') | last) not in checked -%}
                        {%- do to_check.append(path) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- if to_check -%}
                    {#- every field is read, so that invalid UTF-8 in any of them is found -#}
                    {%- do run_query(
                        'select count(*) from ' ~ _raw_csv_reader(
                            to_check, layout['delimiter'], layout['names'] | length,
                            ", store_rejects = true, rejects_table = 'raw_files_rejected_lines',"
                            ~ " rejects_scan = 'raw_files_rejected_scans'"
                        ) ~ _every_csv_field(layout['names'] | length)
                    ) -%}
                    {%- do run_query(
                        'insert into raw_files.' ~ table ~ '_malformed_lines'
                        ~ ' select files.source_file, files.file_size, files.file_modified_at,'
                        ~ ' errors.line,'
                        ~ " string_agg(distinct lower(replace(errors.error_type, ' ', '_')), ', '"
                        ~ ' order by lower(replace(errors.error_type, \' \', \'_\'))),'
                        ~ " rtrim(ltrim(min(errors.csv_line), chr(13) || chr(10)), chr(13) || chr(10))"
                        ~ ' from raw_files_rejected_lines as errors'
                        ~ ' inner join raw_files_rejected_scans as scans'
                        ~ ' on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id'
                        ~ ' inner join raw_files.' ~ table ~ '_files as files'
                        ~ ' on files.source_file = parse_filename(scans.file_path)'
                        ~ ' group by all'
                    ) -%}
                    {%- do run_query('drop table raw_files_rejected_lines') -%}
                    {%- do run_query('drop table raw_files_rejected_scans') -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
        {%- do run_query(
            'insert into raw_files.' ~ table ~ '_checked_files'
            ~ ' select * from raw_files.' ~ table ~ '_files as files where not exists ('
            ~ 'select 1 from raw_files.' ~ table ~ '_checked_files as checked'
            ~ ' where checked.source_file = files.source_file)'
        ) -%}
    {%- endfor -%}
    {%- if found.tables == 0 -%}
        {{ exceptions.raise_compiler_error(
            "raw_dir '" ~ folder ~ "' has no raw file: expected raw_customers*.parquet / .csv / .csv.gz"
            ~ " and raw_orders*.parquet / .csv / .csv.gz"
        ) }}
    {%- endif -%}
    {{ return('select 1') }}
{% endmacro %}
