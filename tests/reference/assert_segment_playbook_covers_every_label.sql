-- The playbook has a play for every lifecycle segment, every RFM segment of the map and every
-- overlay, and nothing else. Returns each label without a play and each play for no label.
with

labels as (

    {%- for segment in lifecycle_segments() %}
        select
            'lifecycle' as segment_kind,
            '{{ segment }}' as segment
        union all
    {%- endfor %}
    {%- for overlay, flag, reason in overlay_reason_parts() %}
        select
            'overlay' as segment_kind,
            '{{ overlay }}' as segment
        union all
    {%- endfor %}
    select distinct
        'rfm' as segment_kind,
        rfm_segment as segment
    from {{ ref('rfm_segment_map') }}

),

playbook as (

    select * from {{ ref('segment_playbook') }}

),

missing as (

    select
        labels.segment_kind,
        labels.segment,
        'no play' as problem

    from labels
    left join playbook
        on labels.segment_kind = playbook.segment_kind and labels.segment = playbook.segment
    where playbook.play_id is null

),

unused as (

    select
        playbook.segment_kind,
        playbook.segment,
        'play for no label' as problem

    from playbook
    left join labels
        on playbook.segment_kind = labels.segment_kind and playbook.segment = labels.segment
    where labels.segment is null

)

select * from missing
union all
select * from unused
