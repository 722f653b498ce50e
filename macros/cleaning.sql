{#- Text cleaning shared by the staging models. -#}

{#-
    Regular expressions, the same on every engine. Patterns are written once, in the syntax
    DuckDB (RE2), PostgreSQL and Spark (Java) share: character classes, \d, \s, {m,n}.
-#}

{#- A SQL string literal of `text`: Spark reads backslashes in literals as escapes. -#}
{% macro string_literal(text) -%}
    {{ return(adapter.dispatch('string_literal', 'segmentation')(text)) }}
{%- endmacro %}

{% macro default__string_literal(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__string_literal(text) -%}
    '{{ text | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}


{#- True when the whole of `expression` matches `pattern`; null for null. -#}
{% macro matches_fully(expression, pattern) -%}
    {{ return(adapter.dispatch('matches_fully', 'segmentation')(expression, pattern)) }}
{%- endmacro %}

{% macro default__matches_fully(expression, pattern) -%}
    regexp_full_match({{ expression }}, {{ string_literal(pattern) }})
{%- endmacro %}

{% macro postgres__matches_fully(expression, pattern) -%}
    ({{ expression }} ~ {{ string_literal('^(' ~ pattern ~ ')$') }})
{%- endmacro %}

{% macro spark__matches_fully(expression, pattern) -%}
    ({{ expression }} rlike {{ string_literal('^(' ~ pattern ~ ')$') }})
{%- endmacro %}


{#- `expression` with every match of `pattern` replaced by `replacement`. -#}
{% macro replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('replace_all', 'segmentation')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ string_literal(pattern) }}, {{ string_literal(replacement) }}, 'g')
{%- endmacro %}

{% macro spark__replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ string_literal(pattern) }}, {{ string_literal(replacement) }})
{%- endmacro %}


{#- Text without leading/trailing white space (spaces, tabs, line breaks); empty becomes null. -#}
{% macro trim_text(expression) -%}
    {{ return(adapter.dispatch('trim_text', 'segmentation')(expression)) }}
{%- endmacro %}

{% macro default__trim_text(expression) -%}
    nullif(trim(both ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) from cast({{ expression }} as {{ dbt.type_string() }})), '')
{%- endmacro %}

{#- DuckDB's trim with a set of characters is slow (about 4x a plain read on 10M rows): it runs only
    when the first or the last character is one of them, which is the same result. -#}
{% macro duckdb__trim_text(expression) -%}
    {%- set text = "cast(" ~ expression ~ " as " ~ dbt.type_string() ~ ")" -%}
    nullif(
        case
            when ascii({{ text }}) in (9, 10, 11, 12, 13, 32) or ascii({{ text }}[-1]) in (9, 10, 11, 12, 13, 32)
                then trim({{ text }}, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13))
            else {{ text }}
        end,
        ''
    )
{%- endmacro %}


{#- Trimmed text with inner runs of white space folded to one space; empty becomes null. -#}
{% macro clean_text(expression) -%}
    {{ return(adapter.dispatch('clean_text', 'segmentation')(expression)) }}
{%- endmacro %}

{% macro default__clean_text(expression) -%}
    {{ trim_text(replace_all("cast(" ~ expression ~ " as " ~ dbt.type_string() ~ ")", '\s+', ' ')) }}
{%- endmacro %}

{#- Text with no white space at all (most ids) skips the regular expression and the trim: the same
    result, several times faster on DuckDB. \s is [\t\n\f\r ] in RE2; \x0b (vertical tab) is
    trimmed too. -#}
{% macro duckdb__clean_text(expression) -%}
    {%- set text = "cast(" ~ expression ~ " as " ~ dbt.type_string() ~ ")" -%}
    case
        when regexp_matches({{ text }}, {{ string_literal('[\s\x0b]') }})
            then nullif(trim({{ replace_all(text, '\s+', ' ') }}, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)), '')
        else nullif({{ text }}, '')
    end
{%- endmacro %}


{#- Lower-case identifier-like text (emails, codes) with all white space removed; empty becomes null. -#}
{% macro clean_token(expression) -%}
    nullif(lower({{ replace_all("cast(" ~ expression ~ " as " ~ dbt.type_string() ~ ")", '\s+', '') }}), '')
{%- endmacro %}


{#-
    Each word capitalised: '  nGUYEN  van a ' -> 'Nguyen Van A'. Words are split on spaces only
    (after clean_text), so "o'brien" gives "O'brien" on every engine.
-#}
{% macro title_case(expression) -%}
    {{ return(adapter.dispatch('title_case', 'segmentation')(expression)) }}
{%- endmacro %}

{#- Spark's initcap splits words on white space only, as wanted. -#}
{% macro default__title_case(expression) -%}
    initcap(lower({{ clean_text(expression) }}))
{%- endmacro %}

{#- PostgreSQL's initcap also starts a word after any non-letter ("O'Brien"): split on spaces. -#}
{% macro postgres__title_case(expression) -%}
    (
        select string_agg(upper(left(words.word, 1)) || substr(words.word, 2), ' ' order by words.position)
        from unnest(string_to_array(lower({{ clean_text(expression) }}), ' ')) with ordinality as words (word, position)
    )
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
{% macro timestamp_pattern() -%}
    {{ return('\d{4}-\d{2}-\d{2}[ T]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?') }}
{%- endmacro %}

{% macro parse_utc_timestamp(text) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'segmentation')(text)) }}
{%- endmacro %}

{#- DuckDB and Spark: try_cast gives null for impossible dates once the form is checked. -#}
{% macro default__parse_utc_timestamp(text) -%}
    case
        when {{ matches_fully(text, timestamp_pattern() ~ 'Z?') }}
            then try_cast({{ text }} as timestamp)
        when {{ matches_fully(text, '\d{4}-\d{2}-\d{2}') }}
            then cast(try_cast({{ text }} as date) as timestamp)
        when {{ matches_fully(text, timestamp_pattern() ~ '[+-]([01]\d|2[0-3])(:?[0-5]\d)?') }}
            then {{ utc_timestamp_from_offset_text(text) }}
    end
{%- endmacro %}

{#- PostgreSQL has no try_cast: the calendar date is checked first, then the cast cannot fail. -#}
{% macro postgres__parse_utc_timestamp(text) -%}
    case
        when not {{ is_calendar_date('substr(' ~ text ~ ', 1, 10)') }} then null
        when {{ matches_fully(text, timestamp_pattern() ~ 'Z?') }}
            then cast(replace({{ text }}, 'Z', '') as timestamp)
        when {{ matches_fully(text, '\d{4}-\d{2}-\d{2}') }}
            then cast({{ text }} as timestamp)
        when {{ matches_fully(text, timestamp_pattern() ~ '[+-]([01]\d|2[0-3])(:?[0-5]\d)?') }}
            then cast({{ text }} as timestamptz) at time zone 'UTC'
    end
{%- endmacro %}

{% macro utc_timestamp_from_offset_text(text) -%}
    {{ return(adapter.dispatch('utc_timestamp_from_offset_text', 'segmentation')(text)) }}
{%- endmacro %}

{% macro default__utc_timestamp_from_offset_text(text) -%}
    try_cast({{ text }} as timestamptz) at time zone 'UTC'
{%- endmacro %}

{#- Spark's timestamps are instants shown in the session time zone, which the profile sets to UTC;
    its parser wants seconds before an offset ('10:00+07' fails, '10:00:00+07' works). -#}
{% macro spark__utc_timestamp_from_offset_text(text) -%}
    try_cast(
        regexp_replace({{ text }}, {{ string_literal('^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2})([+-])') }}, '$1:00$2')
        as timestamp
    )
{%- endmacro %}


{#-
    True when a 'YYYY-MM-DD' text is a real date of the proleptic Gregorian calendar (year 0001 to
    9999), by arithmetic alone, so that a cast after it cannot fail on any engine.
-#}
{% macro is_calendar_date(text) -%}
    {%- set year = 'cast(substr(' ~ text ~ ', 1, 4) as integer)' -%}
    {%- set month = 'cast(substr(' ~ text ~ ', 6, 2) as integer)' -%}
    {%- set day = 'cast(substr(' ~ text ~ ', 9, 2) as integer)' -%}
    {#- case, not and: PostgreSQL may evaluate the casts of an and before its pattern check -#}
    case
        when not coalesce({{ matches_fully(text, '\d{4}-\d{2}-\d{2}') }}, false) then false
        when {{ year }} < 1 or {{ month }} not between 1 and 12 then false
        else {{ day }} between 1 and case
            when {{ month }} in (4, 6, 9, 11) then 30
            when {{ month }} = 2
                and (mod({{ year }}, 4) = 0 and mod({{ year }}, 100) != 0 or mod({{ year }}, 400) = 0)
                then 29
            when {{ month }} = 2 then 28
            else 31
        end
    end
{%- endmacro %}


{#- A trimmed text 'YYYY-MM-DD' date, or null when it is not a real date in that form. -#}
{% macro parse_date(text) -%}
    {{ return(adapter.dispatch('parse_date', 'segmentation')(text)) }}
{%- endmacro %}

{% macro default__parse_date(text) -%}
    case
        when {{ matches_fully(text, '\d{4}-\d{2}-\d{2}') }}
            then try_cast({{ text }} as date)
    end
{%- endmacro %}

{% macro postgres__parse_date(text) -%}
    case
        when {{ is_calendar_date(text) }} and length({{ text }}) = 10
            then cast({{ text }} as date)
    end
{%- endmacro %}


{#- A plain text number ('12', '-3.50', '.5', white space anywhere ignored) as a decimal, else null. -#}
{% macro parse_decimal(expression, precision=18, scale=4) -%}
    {{ return(adapter.dispatch('parse_decimal', 'segmentation')(expression, precision, scale)) }}
{%- endmacro %}

{% macro default__parse_decimal(expression, precision, scale) -%}
    case
        when {{ matches_fully(clean_token(expression), '[+-]?(\d+(\.\d*)?|\.\d+)') }}
            then try_cast({{ clean_token(expression) }} as decimal({{ precision }}, {{ scale }}))
    end
{%- endmacro %}

{#- PostgreSQL has no try_cast: numbers are read as unbounded numeric, rounded to the scale, and
    kept only when they fit the precision (what a failed try_cast gives elsewhere). -#}
{% macro postgres__parse_decimal(expression, precision, scale) -%}
    case
        when not {{ matches_fully(clean_token(expression), '[+-]?(\d+(\.\d*)?|\.\d+)') }} then null
        when abs(round(cast({{ clean_token(expression) }} as numeric), {{ scale }}))
            < power(cast(10 as numeric), {{ precision - scale }})
            then cast({{ clean_token(expression) }} as decimal({{ precision }}, {{ scale }}))
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


{#- The sum of `expression` over a group, added in the order of `order_by`: a parallel sum of
    doubles depends on the order the threads add them in, so that the same data could give sums
    that differ in their last bits from one build to the next. -#}
{% macro ordered_sum(expression, order_by) -%}
    {{ return(adapter.dispatch('ordered_sum', 'segmentation')(expression, order_by)) }}
{%- endmacro %}

{% macro default__ordered_sum(expression, order_by) -%}
    sum({{ expression }} order by {{ order_by }})
{%- endmacro %}

{#- Spark has no ordered aggregates: the sum in the engine's own order. -#}
{% macro spark__ordered_sum(expression, order_by) -%}
    sum({{ expression }})
{%- endmacro %}


{#- The value of `expression` on the group's row with the smallest `order_by` (which must be
    unique within the group). -#}
{% macro value_at_first(expression, order_by) -%}
    {{ return(adapter.dispatch('value_at_first', 'segmentation')(expression, order_by)) }}
{%- endmacro %}

{% macro default__value_at_first(expression, order_by) -%}
    arg_min({{ expression }}, {{ order_by }})
{%- endmacro %}

{% macro postgres__value_at_first(expression, order_by) -%}
    (array_agg({{ expression }} order by {{ order_by }}))[1]
{%- endmacro %}

{% macro spark__value_at_first(expression, order_by) -%}
    min_by({{ expression }}, {{ order_by }})
{%- endmacro %}


{#- A yes/no flag of raw text: true for true/yes/y/1, false for false/no/n/0 (trimmed, any case),
    null otherwise (missing or unreadable). -#}
{% macro parse_flag(expression) -%}
    case
        when lower({{ clean_text(expression) }}) in ('true', 'yes', 'y', '1') then true
        when lower({{ clean_text(expression) }}) in ('false', 'no', 'n', '0') then false
    end
{%- endmacro %}
