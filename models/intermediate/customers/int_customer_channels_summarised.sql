{#- One row per customer and channel they bought through; the preferred channel is rank 1. -#}
with

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

channel_totals as (

    select
        customer_id,
        channel,
        count(*) as order_count,
        sum(amount) as total_revenue,
        max(order_date) as last_order_date,
        channel in ({{ quoted_list(known_order_channels()) }}) as is_known_channel

    from purchases
    group by customer_id, channel

),

ranked as (

    select
        customer_id,
        channel,
        order_count,
        total_revenue,
        last_order_date,
        is_known_channel,
        case
            when is_known_channel
                then row_number() over (
                    partition by customer_id, is_known_channel
                    order by order_count desc, last_order_date desc, channel asc
                )
        end as preference_rank

    from channel_totals

)

select * from ranked
