{#-
    Where every raw record went, per raw table: kept, rejected (see the rejected_* marts;
    malformed lines of raw files included) or superseded. Every table of the raw contract always
    has its row, with zeros when a table is empty; `is_present` says whether an optional table
    was read at all (an absent one has zeros too).
-#}
with

records as (

    select * from {{ ref('int_raw_records_classified') }}

),

optional_tables as (

    select * from {{ ref('stg_raw__optional_tables') }}

),

raw_tables as (

    select
        'raw_customers' as raw_table,
        true as is_present
    union all
    select
        'raw_orders' as raw_table,
        true as is_present
    union all
    select
        'raw_events' as raw_table,
        has_raw_events as is_present
    from optional_tables
    union all
    select
        'raw_feedback' as raw_table,
        has_raw_feedback as is_present
    from optional_tables
    union all
    select
        'raw_order_items' as raw_table,
        has_raw_order_items as is_present
    from optional_tables
    union all
    select
        'raw_products' as raw_table,
        has_raw_products as is_present
    from optional_tables

),

counted as (

    select
        raw_table,
        count(*) as raw_rows,
        count(case when row_outcome = 'kept' then 1 end) as kept_rows,
        count(case when row_outcome = 'rejected' then 1 end) as rejected_rows,
        count(case when row_outcome = 'superseded' then 1 end) as superseded_rows

    from records
    group by raw_table

),

final as (

    select
        raw_tables.raw_table,
        raw_tables.is_present,
        coalesce(counted.raw_rows, 0) as raw_rows,
        coalesce(counted.kept_rows, 0) as kept_rows,
        coalesce(counted.rejected_rows, 0) as rejected_rows,
        coalesce(counted.superseded_rows, 0) as superseded_rows

    from raw_tables
    left join counted
        on raw_tables.raw_table = counted.raw_table

)

select * from final
