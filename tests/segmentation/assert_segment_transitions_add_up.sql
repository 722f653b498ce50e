{{ config(enabled=segmentation_setting('segmentation_using_segment_history')) }}
-- For every pair of consecutive snapshots of customer_segment_history, segment_transitions
-- accounts for every customer: its stays and moves (not entries or exits) sum to the customers
-- present on both dates, its entries and stays to the customers at the later date, and its
-- exits and stays to the customers at the earlier date. Returns each pair that does not add up.
with

history as (

    select * from {{ ref('customer_segment_history') }}

),

transitions as (

    select * from {{ ref('segment_transitions') }}

),

snapshots as (

    select distinct as_of_date from history

),

snapshot_pairs as (

    select
        as_of_date as to_as_of_date,
        lag(as_of_date) over (order by as_of_date) as from_as_of_date

    from snapshots

),

consecutive_pairs as (

    select * from snapshot_pairs
    where from_as_of_date is not null

),

customers_in_both as (

    select
        consecutive_pairs.from_as_of_date,
        consecutive_pairs.to_as_of_date,
        count(*) as customers

    from consecutive_pairs
    inner join history as earlier
        on consecutive_pairs.from_as_of_date = earlier.as_of_date
    inner join history as later
        on
            consecutive_pairs.to_as_of_date = later.as_of_date
            and earlier.customer_id = later.customer_id
    group by consecutive_pairs.from_as_of_date, consecutive_pairs.to_as_of_date

),

customers_per_date as (

    select
        as_of_date,
        count(*) as customers

    from history
    group by as_of_date

),

transition_totals as (

    select
        from_as_of_date,
        to_as_of_date,
        sum(case when not is_entry and not is_exit then customers else 0 end) as in_both,
        sum(case when not is_exit then customers else 0 end) as at_to_date,
        sum(case when not is_entry then customers else 0 end) as at_from_date

    from transitions
    group by from_as_of_date, to_as_of_date

),

compared as (

    select
        consecutive_pairs.from_as_of_date,
        consecutive_pairs.to_as_of_date,
        coalesce(customers_in_both.customers, 0) as customers_in_both,
        coalesce(at_from.customers, 0) as customers_at_from_date,
        coalesce(at_to.customers, 0) as customers_at_to_date,
        coalesce(transition_totals.in_both, 0) as transitions_in_both,
        coalesce(transition_totals.at_from_date, 0) as transitions_at_from_date,
        coalesce(transition_totals.at_to_date, 0) as transitions_at_to_date

    from consecutive_pairs
    left join customers_in_both
        on consecutive_pairs.to_as_of_date = customers_in_both.to_as_of_date
    left join customers_per_date as at_from
        on consecutive_pairs.from_as_of_date = at_from.as_of_date
    left join customers_per_date as at_to
        on consecutive_pairs.to_as_of_date = at_to.as_of_date
    left join transition_totals
        on
            consecutive_pairs.from_as_of_date = transition_totals.from_as_of_date
            and consecutive_pairs.to_as_of_date = transition_totals.to_as_of_date

),

mismatches as (

    select * from compared
    where
        customers_in_both != transitions_in_both
        or customers_at_from_date != transitions_at_from_date
        or customers_at_to_date != transitions_at_to_date

)

select * from mismatches
