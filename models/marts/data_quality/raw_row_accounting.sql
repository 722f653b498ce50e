{#-
    Where every raw record went, per raw table: kept, rejected (see rejected_customers /
    rejected_orders; malformed lines of raw files included) or superseded. Both tables always
    have their row, with zeros when a table is empty.
-#}
with

records as (

    select * from {{ ref('int_raw_records_classified') }}

),

raw_tables as (

    select 'raw_customers' as raw_table
    union all
    select 'raw_orders' as raw_table

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
        coalesce(counted.raw_rows, 0) as raw_rows,
        coalesce(counted.kept_rows, 0) as kept_rows,
        coalesce(counted.rejected_rows, 0) as rejected_rows,
        coalesce(counted.superseded_rows, 0) as superseded_rows

    from raw_tables
    left join counted
        on raw_tables.raw_table = counted.raw_table

)

select * from final
