-- Every raw record is kept, rejected or superseded, counted from each place independently:
-- raw records (the source's rows and the raw files' malformed lines) = kept (staging /
-- known-customer orders) + rejected (reject marts)
-- + superseded (older versions); the raw_row_accounting mart must report the same figures.
-- Returns a row per table that does not add up.
with

raw_counts as (

    select
        'raw_customers' as raw_table,
        (select count(*) from {{ source('raw', 'raw_customers') }})
        + (
            select count(*) from {{ ref('base_raw__malformed_lines') }}
            where raw_table = 'raw_customers'
        ) as raw_rows
    union all
    select
        'raw_orders' as raw_table,
        (select count(*) from {{ source('raw', 'raw_orders') }})
        + (
            select count(*) from {{ ref('base_raw__malformed_lines') }}
            where raw_table = 'raw_orders'
        ) as raw_rows
    union all
    select
        'raw_events' as raw_table,
        {{ raw_table_row_count('raw_events') }}
        + (
            select count(*) from {{ ref('base_raw__malformed_lines') }}
            where raw_table = 'raw_events'
        ) as raw_rows
    union all
    select
        'raw_feedback' as raw_table,
        {{ raw_table_row_count('raw_feedback') }}
        + (
            select count(*) from {{ ref('base_raw__malformed_lines') }}
            where raw_table = 'raw_feedback'
        ) as raw_rows
    union all
    select
        'raw_order_items' as raw_table,
        {{ raw_table_row_count('raw_order_items') }}
        + (
            select count(*) from {{ ref('base_raw__malformed_lines') }}
            where raw_table = 'raw_order_items'
        ) as raw_rows
    union all
    select
        'raw_products' as raw_table,
        {{ raw_table_row_count('raw_products') }}
        + (
            select count(*) from {{ ref('base_raw__malformed_lines') }}
            where raw_table = 'raw_products'
        ) as raw_rows

),

kept_counts as (

    select
        'raw_customers' as raw_table,
        count(*) as kept_rows
    from {{ ref('stg_raw__customers') }}
    union all
    select
        'raw_orders' as raw_table,
        count(*) as kept_rows
    from {{ ref('int_orders_validated') }}
    where has_known_customer
    union all
    select
        'raw_events' as raw_table,
        count(*) as kept_rows
    from {{ ref('stg_raw__events') }}
    union all
    select
        'raw_feedback' as raw_table,
        count(*) as kept_rows
    from {{ ref('stg_raw__feedback') }}
    union all
    select
        'raw_order_items' as raw_table,
        count(*) as kept_rows
    from {{ ref('stg_raw__order_items') }}
    union all
    select
        'raw_products' as raw_table,
        count(*) as kept_rows
    from {{ ref('stg_raw__products') }}

),

rejected_counts as (

    select
        'raw_customers' as raw_table,
        count(*) as rejected_rows
    from {{ ref('rejected_customers') }}
    union all
    select
        'raw_orders' as raw_table,
        count(*) as rejected_rows
    from {{ ref('rejected_orders') }}
    union all
    select
        'raw_events' as raw_table,
        count(*) as rejected_rows
    from {{ ref('rejected_events') }}
    union all
    select
        'raw_feedback' as raw_table,
        count(*) as rejected_rows
    from {{ ref('rejected_feedback') }}
    union all
    select
        'raw_order_items' as raw_table,
        count(*) as rejected_rows
    from {{ ref('rejected_order_items') }}
    union all
    select
        'raw_products' as raw_table,
        count(*) as rejected_rows
    from {{ ref('rejected_products') }}

),

superseded_counts as (

    select
        'raw_customers' as raw_table,
        count(*) as superseded_rows
    from {{ ref('base_raw__customers') }}
    where row_outcome = 'superseded'
    union all
    select
        'raw_orders' as raw_table,
        count(*) as superseded_rows
    from {{ ref('base_raw__orders') }}
    where row_outcome = 'superseded'
    union all
    select
        'raw_events' as raw_table,
        count(*) as superseded_rows
    from {{ ref('base_raw__events') }}
    where row_outcome = 'superseded'
    union all
    select
        'raw_feedback' as raw_table,
        count(*) as superseded_rows
    from {{ ref('base_raw__feedback') }}
    where row_outcome = 'superseded'
    union all
    select
        'raw_order_items' as raw_table,
        count(*) as superseded_rows
    from {{ ref('base_raw__order_items') }}
    where row_outcome = 'superseded'
    union all
    select
        'raw_products' as raw_table,
        count(*) as superseded_rows
    from {{ ref('base_raw__products') }}
    where row_outcome = 'superseded'

),

compared as (

    select
        raw_counts.raw_table,
        raw_counts.raw_rows,
        kept_counts.kept_rows,
        rejected_counts.rejected_rows,
        superseded_counts.superseded_rows

    from raw_counts
    inner join kept_counts on raw_counts.raw_table = kept_counts.raw_table
    inner join rejected_counts on raw_counts.raw_table = rejected_counts.raw_table
    inner join superseded_counts on raw_counts.raw_table = superseded_counts.raw_table

),

accounting as (

    select * from {{ ref('raw_row_accounting') }}

)

select
    compared.*,
    accounting.kept_rows as reported_kept_rows,
    accounting.rejected_rows as reported_rejected_rows,
    accounting.superseded_rows as reported_superseded_rows

from compared
left join accounting on compared.raw_table = accounting.raw_table
where
    compared.raw_rows != compared.kept_rows + compared.rejected_rows + compared.superseded_rows
    or accounting.raw_table is null
    or accounting.raw_rows != compared.raw_rows
    or accounting.kept_rows != compared.kept_rows
    or accounting.rejected_rows != compared.rejected_rows
    or accounting.superseded_rows != compared.superseded_rows
