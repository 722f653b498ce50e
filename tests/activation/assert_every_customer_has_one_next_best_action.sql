-- Every customer of customer_segments has exactly one next best action, and nobody else has one.
-- Returns each customer with none or more than one, and each action of an unknown customer.
with

segments as (

    select customer_id from {{ ref('customer_segments') }}

),

actions as (

    select
        customer_id,
        count(*) as actions

    from {{ ref('customer_next_best_actions') }}
    where play_id is not null
    group by customer_id

)

select
    coalesce(segments.customer_id, actions.customer_id) as customer_id,
    coalesce(actions.actions, 0) as actions

from segments
full outer join actions
    on segments.customer_id = actions.customer_id
where segments.customer_id is null or coalesce(actions.actions, 0) != 1
