{#- Text cleaning shared by the staging models. -#}

{#- Trimmed text with inner runs of white space folded to one space; empty becomes null. -#}
{% macro clean_text(expression) -%}
    nullif(trim(regexp_replace(cast({{ expression }} as {{ dbt.type_string() }}), '\s+', ' ', 'g')), '')
{%- endmacro %}


{#- Lower-case identifier-like text (emails, codes) with all white space removed; empty becomes null. -#}
{% macro clean_token(expression) -%}
    nullif(lower(regexp_replace(cast({{ expression }} as {{ dbt.type_string() }}), '\s+', '', 'g')), '')
{%- endmacro %}


{#- Each word capitalised: '  nGUYEN  van a ' -> 'Nguyen Van A'. -#}
{% macro title_case(expression) -%}
    {{ return(adapter.dispatch('title_case', 'segmentation')(expression)) }}
{%- endmacro %}

{% macro default__title_case(expression) -%}
    initcap(lower({{ clean_text(expression) }}))
{%- endmacro %}

{% macro duckdb__title_case(expression) -%}
    list_aggr(
        list_transform(
            string_split(lower({{ clean_text(expression) }}), ' '),
            lambda word: upper(left(word, 1)) || substr(word, 2)
        ),
        'string_agg',
        ' '
    )
{%- endmacro %}


{#-
    A text timestamp as a UTC timestamp, or null when it is not one of the accepted forms:
    'YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS' or ISO 8601 'YYYY-MM-DDTHH:MM:SS',
    with optional fractional seconds and an optional 'Z' or +HH:MM offset.
    Text without an offset is taken as UTC. Impossible dates (2024-02-30) give null.
-#}
{% macro parse_utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'segmentation')(expression)) }}
{%- endmacro %}

{% macro default__parse_utc_timestamp(expression) -%}
    case
        when regexp_full_match({{ clean_text(expression) }}, '\d{4}-\d{2}-\d{2}')
            then cast(try_cast({{ clean_text(expression) }} as date) as timestamp)
        when regexp_full_match(
            {{ clean_text(expression) }},
            '\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?'
        )
            then try_cast({{ clean_text(expression) }} || '+00:00' as timestamptz) at time zone 'UTC'
        when regexp_full_match(
            {{ clean_text(expression) }},
            '\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)'
        )
            then try_cast({{ clean_text(expression) }} as timestamptz) at time zone 'UTC'
    end
{%- endmacro %}


{#- A text 'YYYY-MM-DD' date, or null when it is not a real date in that form. -#}
{% macro parse_date(expression) -%}
    case
        when regexp_full_match({{ clean_text(expression) }}, '\d{4}-\d{2}-\d{2}')
            then try_cast({{ clean_text(expression) }} as date)
    end
{%- endmacro %}


{#- A text number as a decimal, or null when it is not a plain number. -#}
{% macro parse_decimal(expression, precision=18, scale=4) -%}
    case
        when regexp_full_match({{ clean_token(expression) }}, '[+-]?(\d+(\.\d*)?|\.\d+)')
            then try_cast({{ clean_token(expression) }} as decimal({{ precision }}, {{ scale }}))
    end
{%- endmacro %}


{#- A double-precision float on every engine (dbt.type_float() is 4-byte FLOAT on DuckDB). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'segmentation')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
