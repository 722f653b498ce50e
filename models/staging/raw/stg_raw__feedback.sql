{#- The kept answers of the optional raw_feedback table, one row per answer, without the free
    comment (none when absent). -#}
with

feedback as (

    select * from {{ ref('base_raw__feedback') }}

),

kept as (

    select
        customer_id,
        answered_at,
        answered_date,
        kind,
        score

    from feedback
    where row_outcome = 'kept'

)

select * from kept
