{#-
    The raw input contract: for each raw table, its columns in contract order and whether each
    is required. raw_customers and raw_orders are always read; the others are optional tables
    (optional_raw_tables). A raw file or table without a required column is refused before any model runs
    (macro register_raw_files); an optional column that is absent reads as missing (null).
-#}
{% macro raw_contract() -%}
    {{ return({
        'raw_customers': [
            ('customer_id', true),
            ('first_name', false),
            ('last_name', false),
            ('email', false),
            ('phone', false),
            ('signed_up_at', false),
            ('country_code', false),
            ('city', false),
            ('birth_date', false),
            ('gender', false),
            ('company_name', false),
            ('referred_by_customer_id', false),
            ('updated_at', false),
            ('accepts_marketing', false),
        ],
        'raw_orders': [
            ('order_id', true),
            ('customer_id', true),
            ('ordered_at', true),
            ('status', true),
            ('channel', false),
            ('amount', true),
            ('discount_amount', false),
            ('updated_at', false),
        ],
        'raw_events': [
            ('customer_id', true),
            ('event_at', true),
            ('event_type', true),
            ('properties', false),
        ],
        'raw_feedback': [
            ('customer_id', true),
            ('answered_at', true),
            ('kind', true),
            ('score', false),
            ('comment', false),
        ],
        'raw_order_items': [
            ('order_id', true),
            ('product_id', true),
            ('quantity', true),
            ('amount', true),
        ],
        'raw_products': [
            ('product_id', true),
            ('name', false),
            ('category', false),
            ('needs_onboarding', false),
        ],
    }) }}
{%- endmacro %}


{#- The raw tables a shop may leave out (docs/raw-data.md, "Optional raw tables"): without one,
    the build runs and the customer types that need it are null. -#}
{% macro optional_raw_tables() -%}
    {{ return(['raw_events', 'raw_feedback', 'raw_order_items', 'raw_products']) }}
{%- endmacro %}


{#- A header's column name as the contract compares it: trimmed, unquoted, lower case. -#}
{% macro _raw_column_key(name) -%}
    {{ return((name | string).replace('\ufeff', '').strip().strip('"').strip().lower()) }}
{%- endmacro %}


{#-
    Stops the run when `names` (a file's or table's columns, as given) lack a required column of
    `table`'s contract: one message naming the file, the missing columns and the expected ones.
-#}
{% macro check_raw_columns(table, names, where) -%}
    {%- set present = [] -%}
    {%- for name in names -%}
        {%- do present.append(_raw_column_key(name)) -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- set expected = [] -%}
    {%- for column, required in raw_contract()[table] -%}
        {%- do expected.append(column ~ ('' if required else ' (optional)')) -%}
        {%- if required and column not in present -%}
            {%- do missing.append(column) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            where ~ " lacks the required column(s) " ~ missing | join(', ')
            ~ " of " ~ table ~ ". Its columns: " ~ (names | join(', ') if names else '(none)')
            ~ ". Expected: " ~ expected | join(', ')
            ~ " (names are matched trimmed and case-insensitively; other columns are ignored)."
        ) }}
    {%- endif -%}
{%- endmacro %}
