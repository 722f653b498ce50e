{#-
    Spark specifics. Seeds: dbt-spark's session method pastes seed values into the insert unescaped: a
    quote in a value ("Can't Lose Them") breaks the statement and an empty cell becomes the text
    'None'. This override writes each value as an escaped literal (empty cells as null) and casts
    only where the column is not text.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set column_types = [] -%}
    {%- for column_name in agate_table.column_names -%}
        {%- do column_types.append(
            column_override.get(column_name, adapter.convert_type(agate_table, loop.index0))
        ) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                (
                {%- for value in row -%}
                    {%- set column_type = column_types[loop.index0] -%}
                    {%- if value is none -%}
                        null
                    {%- elif value is sameas true or value is sameas false -%}
                        {{ 'true' if value else 'false' }}
                    {%- elif column_type | lower == 'string' -%}
                        {{ string_literal(value | string) }}
                    {%- else -%}
                        cast({{ string_literal(value | string) }} as {{ column_type }})
                    {%- endif -%}
                    {{- ', ' if not loop.last -}}
                {%- endfor -%}
                ){{ ',' if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}


{#-
    accepted_values on Spark. Quoted values in the yml are written for standard SQL, a quote
    doubled ("Can''t Lose Them"); Spark reads '' inside a literal as the end of one literal and
    the start of the next, which it joins ("Cant Lose Them"). The values are re-quoted for Spark.
-#}
{% macro spark__test_accepted_values(model, column_name, values, quote=True) %}
    {%- if quote -%}
        {%- set spark_values = [] -%}
        {%- for value in values -%}
            {%- do spark_values.append(string_literal((value | string).replace("''", "'"))) -%}
        {%- endfor -%}
        {{ return(dbt.default__test_accepted_values(model, column_name, spark_values, quote=false)) }}
    {%- endif -%}
    {{ return(dbt.default__test_accepted_values(model, column_name, values, quote=quote)) }}
{% endmacro %}
