{#-
    Each customer's next best action (docs/playbook.md): of the plays of the segment playbook that
    apply to them (their lifecycle segment's, their RFM segment's and one per true overlay), the
    one with the lowest priority number; on equal priorities the first play_id. No personal data.
-#}
with

segments as (

    select * from {{ ref('customer_segments') }}

),

contactable as (

    select * from {{ ref('int_customers_contactable') }}

),

playbook as (

    select * from {{ ref('segment_playbook') }}

),

candidates as (

    select
        customer_id,
        'lifecycle' as segment_kind,
        lifecycle_segment as segment,
        segment_reason as play_reason

    from segments

    union all

    select
        customer_id,
        'rfm' as segment_kind,
        rfm_segment as segment,
        'rfm: ' || rfm_segment || ' (R ' || {{ reason_number('r_score', 0) }} || ', F '
        || {{ reason_number('f_score', 0) }} || ', M ' || {{ reason_number('m_score', 0) }} || ')'
            as play_reason

    from segments
    where rfm_segment is not null
    {%- for overlay, flag, reason in overlay_reason_parts() %}

        union all

        select
            customer_id,
            'overlay' as segment_kind,
            '{{ overlay }}' as segment,
            {{ reason }} as play_reason

        from segments
        where {{ flag }}
    {%- endfor %}

),

matched as (

    select
        candidates.customer_id,
        candidates.play_reason,
        playbook.play_id,
        playbook.segment_kind,
        playbook.segment,
        playbook.priority,
        playbook.goal_en,
        playbook.action_en,
        playbook.channel_en,
        playbook.message_theme_en,
        playbook.cadence_en,
        row_number() over (
            partition by candidates.customer_id
            order by playbook.priority, playbook.play_id
        ) as play_rank,
        count(*) over (partition by candidates.customer_id) as matching_play_count

    from candidates
    inner join playbook
        on
            candidates.segment_kind = playbook.segment_kind
            and candidates.segment = playbook.segment

),

final as (

    select
        segments.customer_id,
        segments.lifecycle_segment,
        segments.rfm_segment,
        matched.play_id,
        matched.segment_kind,
        matched.segment,
        matched.priority,
        matched.play_reason,
        matched.goal_en,
        matched.action_en,
        matched.channel_en,
        matched.message_theme_en,
        matched.cadence_en,
        cast(matched.matching_play_count as {{ dbt.type_bigint() }}) as matching_play_count,
        coalesce(contactable.is_contactable, false) as is_contactable,
        segments.as_of_date

    from segments
    left join matched
        on
            segments.customer_id = matched.customer_id
            and matched.play_rank = 1
    left join contactable
        on segments.customer_id = contactable.customer_id

)

select * from final
