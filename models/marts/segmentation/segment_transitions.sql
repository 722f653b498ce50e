{#-
    The migration matrix: for each pair of consecutive snapshots of customer_segment_history,
    how many customers moved from each segment to each other one. Customers entering the
    population have no from-segment; customers leaving it (only possible when restated data
    removed them) have no to-segment. Only pairs that occur are listed.
    Incremental, as the history: a run adds only the pairs whose later snapshot is after the
    latest stored month-end pair; the pre-hook first removes the pair ending at the previous
    run's as-of date when it was not a month end, and any pair ending after the history's
    latest snapshot (the current as-of date). Each pair is counted from its two snapshots alone, so the stored pairs are what a full
    build of the same history gives. On Spark it is a table rebuilt in full, as the history.
-#}
{{
    config(
        enabled=segmentation_setting('segmentation_using_segment_history'),
        materialized='table' if target.type == 'spark' else 'incremental',
        unique_key=['to_as_of_date'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ delete_stale_snapshots(
            'to_as_of_date', 'select max(as_of_date) from ' ~ ref('customer_segment_history')
        ) }}",
    )
}}

with

history as (

    select * from {{ ref('customer_segment_history') }}

),

snapshots as (

    select distinct
        as_of_date,
        is_month_end

    from history

),

snapshot_pairs as (

    select
        as_of_date as to_as_of_date,
        is_month_end,
        lag(as_of_date) over (order by as_of_date) as from_as_of_date

    from snapshots

),

stored_pairs as (

    {% if is_incremental() -%}
        select max(to_as_of_date) as latest_to_as_of_date from {{ this }}
    {%- else -%}
        select cast(null as date) as latest_to_as_of_date
    {%- endif %}

),

consecutive_pairs as (

    select snapshot_pairs.*
    from snapshot_pairs
    cross join stored_pairs
    where
        snapshot_pairs.from_as_of_date is not null
        and (
            stored_pairs.latest_to_as_of_date is null
            or snapshot_pairs.to_as_of_date > stored_pairs.latest_to_as_of_date
        )

),

earlier as (

    select
        consecutive_pairs.from_as_of_date,
        consecutive_pairs.to_as_of_date,
        history.customer_id,
        history.lifecycle_segment

    from consecutive_pairs
    inner join history
        on consecutive_pairs.from_as_of_date = history.as_of_date

),

later as (

    select
        consecutive_pairs.from_as_of_date,
        consecutive_pairs.to_as_of_date,
        consecutive_pairs.is_month_end,
        history.customer_id,
        history.lifecycle_segment

    from consecutive_pairs
    inner join history
        on consecutive_pairs.to_as_of_date = history.as_of_date

),

moves as (

    select
        earlier.lifecycle_segment as from_segment,
        later.lifecycle_segment as to_segment,
        coalesce(earlier.from_as_of_date, later.from_as_of_date) as from_as_of_date,
        coalesce(earlier.to_as_of_date, later.to_as_of_date) as to_as_of_date

    from earlier
    full outer join later
        on
            earlier.to_as_of_date = later.to_as_of_date
            and earlier.customer_id = later.customer_id

),

counted as (

    select
        from_as_of_date,
        to_as_of_date,
        from_segment,
        to_segment,
        count(*) as customers

    from moves
    group by from_as_of_date, to_as_of_date, from_segment, to_segment

),

final as (

    select
        counted.from_as_of_date,
        counted.to_as_of_date,
        consecutive_pairs.is_month_end,
        counted.from_segment,
        counted.to_segment,
        counted.from_segment is null as is_entry,
        counted.to_segment is null as is_exit,
        counted.customers,
        cast(counted.customers as {{ type_double() }})
        / sum(counted.customers) over (
            partition by counted.to_as_of_date, counted.from_segment
        ) as share_of_from_segment

    from counted
    inner join consecutive_pairs
        on counted.to_as_of_date = consecutive_pairs.to_as_of_date

)

select * from final
