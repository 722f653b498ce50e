-- The next best action is, of the plays that apply to the customer (recomputed here from the
-- labels and the playbook), the one with the lowest priority number, ties to the first play_id
-- (docs/playbook.md). Returns each customer whose action is another play.
{%- set overlays = [
    'vip', 'bargain_hunter', 'seasonal', 'omnichannel', 're_engaged', 'infrequent', 'referrer', 'b2b',
] %}

with

segments as (

    select * from {{ ref('customer_segments') }}

),

playbook as (

    select * from {{ ref('segment_playbook') }}

),

applying as (

    select
        segments.customer_id,
        playbook.play_id,
        playbook.priority

    from segments
    inner join playbook
        on
            (playbook.segment_kind = 'lifecycle' and segments.lifecycle_segment = playbook.segment)
            or (playbook.segment_kind = 'rfm' and segments.rfm_segment = playbook.segment)
            {%- for overlay in overlays %}
                or (
                    playbook.segment_kind = 'overlay'
                    and playbook.segment = '{{ overlay }}'
                    and segments.is_{{ overlay }}
                )
            {%- endfor %}

),

best as (

    select
        customer_id,
        min(priority) as best_priority

    from applying
    group by customer_id

),

best_play as (

    select
        applying.customer_id,
        min(applying.play_id) as best_play_id

    from applying
    inner join best
        on applying.customer_id = best.customer_id and applying.priority = best.best_priority
    group by applying.customer_id

)

select
    actions.customer_id,
    actions.play_id,
    best_play.best_play_id

from {{ ref('customer_next_best_actions') }} as actions
left join best_play
    on actions.customer_id = best_play.customer_id
where best_play.best_play_id is null or actions.play_id != best_play.best_play_id
