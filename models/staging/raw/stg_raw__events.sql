{#- The kept events of the optional raw_events table, one row per event (none when absent). -#}
with

events as (

    select * from {{ ref('base_raw__events') }}

),

kept as (

    select
        customer_id,
        event_at,
        event_date,
        event_type

    from events
    where row_outcome = 'kept'

)

select * from kept
