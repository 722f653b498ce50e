{{ config(enabled=segmentation_setting('segmentation_using_segment_history')) }}
-- The history has no holes: its snapshots are consecutive month ends up to the as-of date,
-- plus the as-of date itself (the only snapshot allowed not to be a month end), and every
-- customer appears in every snapshot from their first one on (the as-of population only grows).
-- Returns one row per problem.
with

history as (

    select * from {{ ref('customer_segment_history') }}

),

settings as (

    select * from {{ ref('int_settings_resolved') }}

),

snapshots as (

    select distinct
        as_of_date,
        is_month_end

    from history

),

sequenced_snapshots as (

    select
        as_of_date,
        is_month_end,
        lag(as_of_date) over (order by as_of_date) as previous_as_of_date

    from snapshots

),

customer_first_snapshots as (

    select
        customer_id,
        min(as_of_date) as first_as_of_date,
        count(*) as snapshot_count

    from history
    group by customer_id

),

customer_expected_snapshots as (

    select
        customer_first_snapshots.customer_id,
        customer_first_snapshots.snapshot_count,
        count(*) as expected_snapshot_count

    from customer_first_snapshots
    inner join snapshots
        on customer_first_snapshots.first_as_of_date <= snapshots.as_of_date
    group by customer_first_snapshots.customer_id, customer_first_snapshots.snapshot_count

),

problems as (

    select
        'snapshot after the as-of date' as problem,
        sequenced_snapshots.as_of_date,
        cast(null as {{ dbt.type_string() }}) as customer_id
    from sequenced_snapshots
    cross join settings
    where sequenced_snapshots.as_of_date > settings.as_of_date

    union all

    select
        'snapshot that is neither a month end nor the as-of date' as problem,
        sequenced_snapshots.as_of_date,
        cast(null as {{ dbt.type_string() }}) as customer_id
    from sequenced_snapshots
    cross join settings
    where
        not sequenced_snapshots.is_month_end
        and sequenced_snapshots.as_of_date != settings.as_of_date

    union all

    select
        'no snapshot at the as-of date' as problem,
        settings.as_of_date,
        cast(null as {{ dbt.type_string() }}) as customer_id
    from settings
    where
        not exists (
            select 1 from snapshots
            where snapshots.as_of_date = settings.as_of_date
        )
        and exists (select 1 from history)

    union all

    select
        'previous snapshot is not the previous month end' as problem,
        as_of_date,
        cast(null as {{ dbt.type_string() }}) as customer_id
    from sequenced_snapshots
    where
        previous_as_of_date is not null
        and previous_as_of_date
        != {{ dbt.last_day(dbt.dateadd('month', '-1', dbt.date_trunc('month', 'as_of_date')), 'month') }}

    union all

    select
        'customer missing from a snapshot after their first' as problem,
        cast(null as date) as as_of_date,
        customer_id
    from customer_expected_snapshots
    where snapshot_count != expected_snapshot_count

)

select * from problems
