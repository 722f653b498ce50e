{#-
    RFM scores 1-5 among the customers with purchases (docs/rules.md, "RFM scores and segments"): the share of purchasers
    with a strictly worse value, cut into fifths. Ties share their lowest rank, so equal values
    always get equal scores.
-#}
with

customers as (

    select * from {{ ref('int_customers_aggregated') }}

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

ranked as (

    select
        customer_id,
        rank() over (order by days_since_last_order desc) as recency_rank,
        rank() over (order by purchase_days asc) as frequency_rank,
        rank() over (order by total_revenue asc) as monetary_rank,
        count(*) over () as purchasers

    from customers
    where purchase_days > 0

),

scored as (

    select
        customer_id,
        {{ score_from_rank('recency_rank', 'purchasers') }} as r_score,
        {{ score_from_rank('frequency_rank', 'purchasers') }} as f_score,
        {{ score_from_rank('monetary_rank', 'purchasers') }} as m_score

    from ranked

),

final as (

    select
        customers.customer_id,
        scored.r_score,
        scored.f_score,
        scored.m_score,
        cast(scored.r_score * 100 + scored.f_score * 10 + scored.m_score as {{ dbt.type_string() }})
            as rfm_code,
        segment_map.rfm_segment

    from customers
    left join scored
        on customers.customer_id = scored.customer_id
    left join segment_map
        on
            scored.r_score = segment_map.r_score
            and scored.f_score = segment_map.f_score
            and scored.m_score = segment_map.m_score

)

select * from final
