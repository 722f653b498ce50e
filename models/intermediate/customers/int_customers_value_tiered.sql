{#-
    Value tier by total revenue among the customers with purchases (docs/rules.md, "Overlays"):
    the share of purchasers who spent strictly more decides the tier, so equal revenue gets
    the same (better) tier.
-#}
with

customers as (

    select * from {{ ref('int_customers_aggregated') }}

),

ranked as (

    select
        customer_id,
        rank() over (order by total_revenue desc) as revenue_rank,
        count(*) over () as purchasers

    from customers
    where purchase_days > 0

),

shares as (

    select
        customers.customer_id,
        cast(ranked.revenue_rank - 1 as {{ type_double() }}) / ranked.purchasers as revenue_top_share

    from customers
    left join ranked
        on customers.customer_id = ranked.customer_id

),

tiered as (

    select
        customer_id,
        revenue_top_share,
        case
            when revenue_top_share is null then 'none'
            when revenue_top_share < {{ segmentation_setting('value_tier_vip_share') }} then 'vip'
            when revenue_top_share < {{ segmentation_setting('value_tier_high_share') }} then 'high'
            when revenue_top_share < {{ segmentation_setting('value_tier_medium_share') }} then 'medium'
            else 'low'
        end as value_tier

    from shares

),

final as (

    select
        customer_id,
        revenue_top_share,
        value_tier,
        value_tier = 'vip' as is_vip

    from tiered

)

select * from final
