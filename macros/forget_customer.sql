{#-
    Erases one customer's personal data from every table this project keeps it in:
    `dbt run-operation forget_customer --args '{customer_id: C0000042}'` (or a list of ids).

    In every table model of the project with columns tagged `contains_pii` (the staging tables
    base_raw__customers_parsed and base_raw__customers, the quarantine models), the tagged
    columns of the customer's rows are set to null; in the malformed raw lines (the quarantine
    model quarantined_lines, base_raw__malformed_lines and the raw_files.*_malformed_lines tables
    the on-run-start hook keeps) every line that contains the id is replaced by `[erased]`. The
    customer's id, segments and orders stay (they are not personal data here); views derive from
    the tables. The raw files and the loader's raw tables are never written: delete the customer
    there too, or a --full-refresh reads the data again. Logs the rows changed per relation.
-#}
{% macro forget_customer(customer_id) %}
    {%- set ids = customer_id if (customer_id is iterable and customer_id is not string) else [customer_id] -%}
    {%- set literals = [] -%}
    {%- for id in ids -%}
        {%- if id is none or (id | string | trim) == '' -%}
            {{ exceptions.raise_compiler_error("forget_customer needs a customer_id (or a list of them)") }}
        {%- endif -%}
        {%- do literals.append(string_literal(id | string | trim)) -%}
    {%- endfor -%}
    {%- if not literals -%}
        {{ exceptions.raise_compiler_error("forget_customer needs a customer_id (or a list of them)") }}
    {%- endif -%}
    {%- set targets = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.package_name == segmentation_package()
        and node.config.materialized in ('table', 'incremental') -%}
        {%- set tagged = [] -%}
        {%- for name, column in node.columns.items() -%}
            {%- set meta = column.meta or {} -%}
            {%- set config_meta = (column.config or {}).get('meta') or {} -%}
            {%- if meta.get('contains_pii') or config_meta.get('contains_pii') -%}
                {%- do tagged.append(name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if tagged -%}
            {%- do targets.append({
                'database': node.database, 'schema': node.schema, 'identifier': node.alias,
                'columns': tagged, 'keys': node.columns.keys() | list,
            }) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for table in raw_contract().keys() | list if var('raw_dir', none) -%}
        {%- do targets.append({
            'database': none, 'schema': 'raw_files', 'identifier': table ~ '_malformed_lines',
            'columns': ['raw_line'], 'keys': ['raw_line'],
        }) -%}
    {%- endfor -%}
    {%- for target in targets -%}
        {%- set relation = adapter.get_relation(
            database=target['database'], schema=target['schema'], identifier=target['identifier']
        ) -%}
        {%- if relation is not none -%}
            {%- if 'raw_line' in target['columns'] -%}
                {%- set assignments = ["raw_line = '[erased]'"] -%}
                {%- set matches = [] -%}
                {%- for literal in literals -%}
                    {%- do matches.append('position(' ~ literal ~ ' in raw_line) > 0') -%}
                {%- endfor -%}
                {%- set condition = 'raw_line is not null and (' ~ matches | join(' or ') ~ ')' -%}
            {%- else -%}
                {%- set assignments = [] -%}
                {%- for column in target['columns'] -%}
                    {%- do assignments.append(column ~ ' = null') -%}
                {%- endfor -%}
                {%- set conditions = [] -%}
                {%- if 'customer_id' in target['keys'] -%}
                    {%- do conditions.append('customer_id in (' ~ literals | join(', ') ~ ')') -%}
                {%- endif -%}
                {%- if 'raw_customer_id' in target['keys'] -%}
                    {%- do conditions.append(clean_text('raw_customer_id') ~ ' in (' ~ literals | join(', ') ~ ')') -%}
                {%- endif -%}
                {%- if not conditions -%}
                    {{ exceptions.raise_compiler_error(
                        relation ~ " has personal data but no customer_id or raw_customer_id column"
                    ) }}
                {%- endif -%}
                {%- set condition = '(' ~ conditions | join(' or ') ~ ')' -%}
            {%- endif -%}
            {%- set counted = run_query('select count(*) from ' ~ relation ~ ' where ' ~ condition) -%}
            {%- do run_query('update ' ~ relation ~ ' set ' ~ assignments | join(', ') ~ ' where ' ~ condition) -%}
            {%- do log('forget_customer: ' ~ relation ~ ': ' ~ counted.columns[0].values()[0] ~ ' row(s)', info=true) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do adapter.commit() -%}
{% endmacro %}
