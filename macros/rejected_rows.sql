{#-
    The two halves of a rejected_* mart (models/marts/data_quality/): the rejected rows of one raw
    table with their raw fields, and the malformed lines of its files as rows of the same columns.
    `columns` names the raw fields the mart shows, in order; `flag_columns` names boolean columns
    that follow them (null on a malformed line).
-#}

{#- The raw fields, each as it is or '[masked]' when it looks like an email address or a phone
    number (masked_if_personal); `relation` qualifies the column names. -#}
{% macro masked_columns(columns, relation=none) -%}
    {%- for column in columns %}
        {{ masked_if_personal((relation ~ '.' if relation else '') ~ column) }} as {{ column }}
        {{- ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- The malformed lines of `malformed_lines` (a relation of base_raw__malformed_lines' rows of one
    raw table): reason malformed_line, the file, line and parser error, every raw field null. -#}
{% macro malformed_line_rows(malformed_lines, columns, flag_columns=[]) -%}
    select
        'malformed_line' as reject_reason,
        source_file,
        line_number,
        malformed_line_error,
        {%- for column in columns %}
        cast(null as {{ dbt.type_string() }}) as {{ column }}{{ ',' if not loop.last or flag_columns }}
        {%- endfor %}
        {%- for column in flag_columns %}
        cast(null as boolean) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}

    from {{ malformed_lines }}
{%- endmacro %}
