-- Every raw file is parsed exactly once, in its current version: per raw table and source file,
-- the parsed rows (base_raw__*_parsed) number the raw rows, and (with raw_dir) every stored
-- fingerprint is the file's current size and last-modified time. A file rewritten, removed or
-- added without the parsed rows following shows up here. Returns a row per file that differs.
{%- set reads_raw_files = var('raw_dir', none) is not none %}
with

raw_customer_rows as (

    select
        {% if reads_raw_files -%} source_file {%- else -%} 'raw_customers' {%- endif %} as source_file
    from {{ source('raw', 'raw_customers') }}

),

raw_order_rows as (

    select
        {% if reads_raw_files -%} source_file {%- else -%} 'raw_orders' {%- endif %} as source_file
    from {{ source('raw', 'raw_orders') }}

),

raw_rows as (

    select
        'raw_customers' as raw_table,
        source_file
    from raw_customer_rows
    union all
    select
        'raw_orders' as raw_table,
        source_file
    from raw_order_rows

),

parsed_rows as (

    select
        'raw_customers' as raw_table,
        source_file,
        source_file_size,
        source_file_modified_at
    from {{ ref('base_raw__customers_parsed') }}
    union all
    select
        'raw_orders' as raw_table,
        source_file,
        source_file_size,
        source_file_modified_at
    from {{ ref('base_raw__orders_parsed') }}

),

raw_counts as (

    select
        raw_table,
        source_file,
        count(*) as raw_rows
    from raw_rows
    group by raw_table, source_file

),

parsed_counts as (

    select
        raw_table,
        source_file,
        count(*) as parsed_rows,
        min(source_file_size) as min_stored_size,
        max(source_file_size) as max_stored_size,
        min(source_file_modified_at) as min_stored_modified_at,
        max(source_file_modified_at) as max_stored_modified_at
    from parsed_rows
    group by raw_table, source_file

),

{%- if reads_raw_files %}

files as (

    select
        'raw_customers' as raw_table,
        source_file,
        file_size,
        file_modified_at
    from {{ source('raw', 'raw_customers_files') }}
    union all
    select
        'raw_orders' as raw_table,
        source_file,
        file_size,
        file_modified_at
    from {{ source('raw', 'raw_orders_files') }}

),
{%- endif %}

compared as (

    select
        coalesce(raw_counts.raw_table, parsed_counts.raw_table) as raw_table,
        coalesce(raw_counts.source_file, parsed_counts.source_file) as source_file,
        coalesce(raw_counts.raw_rows, 0) as raw_rows,
        coalesce(parsed_counts.parsed_rows, 0) as parsed_rows,
        {%- if reads_raw_files %}
            coalesce(
                parsed_counts.parsed_rows is not null
                and (
                    files.source_file is null
                    or parsed_counts.min_stored_size is distinct from files.file_size
                    or parsed_counts.max_stored_size is distinct from files.file_size
                    or parsed_counts.min_stored_modified_at is distinct from files.file_modified_at
                    or parsed_counts.max_stored_modified_at is distinct from files.file_modified_at
                ),
                false
            ) as has_stale_fingerprint
        {%- else %}
            false as has_stale_fingerprint
        {%- endif %}

    from raw_counts
    full outer join parsed_counts
        on
            raw_counts.raw_table = parsed_counts.raw_table
            and raw_counts.source_file = parsed_counts.source_file
    {%- if reads_raw_files %}
        left join files
            on
                parsed_counts.raw_table = files.raw_table
                and parsed_counts.source_file = files.source_file
    {%- endif %}

)

select * from compared
where raw_rows != parsed_rows or has_stale_fingerprint
