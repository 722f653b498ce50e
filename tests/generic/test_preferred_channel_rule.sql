{#-
    The preferred channel restated from the purchases themselves: 'none' without purchases,
    'unknown' without a purchase through a known channel, else the known channel that no other
    known channel beats on (more purchases, then a later last purchase, then an earlier name).
    Fails for every row of `model` whose `column_name` differs.
-#}
{% test preferred_channel_rule(model, column_name, purchases) %}

with

channel_counts as (

    select
        customer_id,
        channel,
        count(*) as order_count,
        max(order_date) as last_order_date

    from {{ purchases }}
    where channel in ({{ quoted_list(known_order_channels()) }})
    group by customer_id, channel

),

unbeaten as (

    select
        candidate.customer_id,
        candidate.channel

    from channel_counts as candidate
    where not exists (
        select 1
        from channel_counts as rival
        where
            rival.customer_id = candidate.customer_id
            and rival.channel != candidate.channel
            and (
                rival.order_count > candidate.order_count
                or (
                    rival.order_count = candidate.order_count
                    and rival.last_order_date > candidate.last_order_date
                )
                or (
                    rival.order_count = candidate.order_count
                    and rival.last_order_date = candidate.last_order_date
                    and rival.channel < candidate.channel
                )
            )
    )

),

buyers as (

    select distinct customer_id from {{ purchases }}

),

compared as (

    select
        labelled.*,
        case
            when buyers.customer_id is null then 'none'
            when unbeaten.channel is null then 'unknown'
            else unbeaten.channel
        end as expected_channel

    from {{ model }} as labelled
    left join buyers
        on labelled.customer_id = buyers.customer_id
    left join unbeaten
        on labelled.customer_id = unbeaten.customer_id

)

select * from compared
where {{ column_name }} is null or {{ column_name }} != expected_channel

{% endtest %}
