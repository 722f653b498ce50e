{#- Text cleaning shared by the staging models. -#}

{#- Text without leading/trailing white space (spaces, tabs, line breaks); empty becomes null. -#}
{% macro trim_text(expression) -%}
    {{ return(adapter.dispatch('trim_text', 'segmentation')(expression)) }}
{%- endmacro %}

{% macro default__trim_text(expression) -%}
    nullif(trim(cast({{ expression }} as {{ dbt.type_string() }}), ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)), '')
{%- endmacro %}


{#- Trimmed text with inner runs of white space folded to one space; empty becomes null. -#}
{% macro clean_text(expression) -%}
    {{ trim_text("regexp_replace(cast(" ~ expression ~ " as " ~ dbt.type_string() ~ "), '\\s+', ' ', 'g')") }}
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
    A trimmed text timestamp (see trim_text) as a UTC timestamp, or null when it is not one of
    'YYYY-MM-DD', or 'YYYY-MM-DD HH:MM[:SS[.ffffff]]' with a space or 'T', optionally followed by
    'Z' or an offset (+HH, +HHMM, +HH:MM; converted to UTC). Text without an offset is UTC.
    Impossible dates and times (2024-02-30, 24:00) give null.
-#}
{% macro parse_utc_timestamp(text) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'segmentation')(text)) }}
{%- endmacro %}

{% macro default__parse_utc_timestamp(text) -%}
    {%- set date_time = '\d{4}-\d{2}-\d{2}[ T]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?' -%}
    case
        when regexp_full_match({{ text }}, '{{ date_time }}Z?')
            then try_cast({{ text }} as timestamp)
        when regexp_full_match({{ text }}, '\d{4}-\d{2}-\d{2}')
            then cast(try_cast({{ text }} as date) as timestamp)
        when regexp_full_match({{ text }}, '{{ date_time }}[+-]([01]\d|2[0-3])(:?[0-5]\d)?')
            then try_cast({{ text }} as timestamptz) at time zone 'UTC'
    end
{%- endmacro %}


{#- A trimmed text 'YYYY-MM-DD' date, or null when it is not a real date in that form. -#}
{% macro parse_date(text) -%}
    case
        when regexp_full_match({{ text }}, '\d{4}-\d{2}-\d{2}')
            then try_cast({{ text }} as date)
    end
{%- endmacro %}


{#- A plain text number ('12', '-3.50', '.5', white space anywhere ignored) as a decimal, else null. -#}
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
