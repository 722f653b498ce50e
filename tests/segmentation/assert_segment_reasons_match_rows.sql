-- Every row's explanations agree with its labels and figures (docs/rules.md, "Explained labels"):
-- the reason starts with the row's lifecycle segment, does not deny it, and quotes the row's own
-- figures (written out here independently of the macros that build it); each overlay's reason is
-- there exactly when the overlay is true. Returns the rows that disagree.
{%- set text = dbt.type_string() %}
{%- set overlay_flags = [
    ('vip', 'is_vip'), ('bargain_hunter', 'is_bargain_hunter'), ('seasonal', 'is_seasonal'),
    ('omnichannel', 'is_omnichannel'), ('re_engaged', 'is_re_engaged'),
    ('infrequent', 'is_infrequent'), ('referrer', 'is_referrer'), ('b2b', 'is_b2b'),
] %}

with

segments as (

    select
        *,
        cast(days_since_last_order as {{ text }}) as last_text,
        -- a count of 1 takes the singular
        cast(days_since_first_order as {{ text }})
        || case when days_since_first_order = 1 then ' day' else ' days' end as first_days_text,
        cast(days_since_last_order as {{ text }})
        || case when days_since_last_order = 1 then ' day' else ' days' end as last_days_text,
        cast(order_count as {{ text }})
        || case when order_count = 1 then ' purchase' else ' purchases' end as order_count_text,
        cast(cast(expected_interval_days as decimal(18, 1)) as {{ text }}) as expected_text,
        coalesce(overlay_reasons, '') as overlays

    from {{ ref('customer_segments') }}

),

checked as (

    select
        customer_id,
        lifecycle_segment,
        segment_reason,
        overlay_reasons,
        case
            when segment_reason is null then 'no reason'
            when segment_reason not like lifecycle_segment || ': %' then 'does not start with the label'
            when segment_reason like '%not ' || lifecycle_segment || ' (%' then 'denies its own label'
            when purchase_days = 0 and segment_reason not like '%(0 purchase days)%' then 'prospect figures'
            when
                purchase_days > 0
                and segment_reason not like '%first purchase ' || first_days_text || ' ago%'
                then 'days since the first purchase'
            when
                lifecycle_segment in ('churned', 'lapsed', 'at_risk')
                and segment_reason not like lifecycle_segment || ': ' || last_days_text
                || ' since the last purchase > '
                || '{{ segmentation_setting("churned_multiplier") }}' || ' × the expected ' || expected_text || ' days%'
                and segment_reason not like lifecycle_segment || ': ' || last_days_text
                || ' since the last purchase > '
                || '{{ segmentation_setting("lapsed_multiplier") }}' || ' × the expected ' || expected_text || ' days%'
                and segment_reason not like lifecycle_segment || ': ' || last_days_text
                || ' since the last purchase > '
                || '{{ segmentation_setting("at_risk_multiplier") }}' || ' × the expected ' || expected_text || ' days%'
                then 'days since the last purchase against the expected interval'
            when
                lifecycle_segment in ('loyal', 'repeat', 'active')
                and expected_interval_days is not null
                and segment_reason not like '%not at_risk (' || last_text || ' ≤ %'
                then 'why not at risk'
            when
                lifecycle_segment = 'loyal'
                and segment_reason not like 'loyal: ' || order_count_text || ' ≥ %'
                then 'loyal purchases'
            when
                lifecycle_segment = 'repeat'
                and segment_reason not like 'repeat: ' || cast(purchase_days as {{ text }}) || ' purchase days ≥ 2%'
                then 'repeat purchase days'
            when
                lifecycle_segment = 'active'
                and segment_reason not like 'active: 1 purchase day, ' || last_days_text || ' ago%'
                then 'active figures'
            {%- for overlay, flag in overlay_flags %}
                when
                    (overlays like '%{{ overlay }}: %') != coalesce({{ flag }}, false)
                    then '{{ overlay }} reason without the overlay, or the overlay without its reason'
            {%- endfor %}
            when
                is_vip
                and overlays
                not like '%top ' || cast(cast(100 * revenue_top_share as decimal(18, 1)) as {{ text }}) || '%'
                then 'vip share'
            when
                is_omnichannel
                and overlays not like '%omnichannel: ' || cast(known_channel_count as {{ text }}) || ' channels%'
                then 'omnichannel channels'
            when
                is_referrer
                and overlays not like '%referrer: ' || cast(referred_customers as {{ text }}) || ' referred%'
                then 'referrals'
        end as disagreement

    from segments

)

select * from checked
where disagreement is not null
