{#-
    Why each customer has its labels (docs/rules.md, "Explained labels"): the lifecycle segment's
    reason from the same rungs as the label (macro lifecycle_rungs) and the reasons of the overlays
    that are true (macro overlay_reasons), each quoting the row's figures and the thresholds.
-#}
with

customers as (

    select * from {{ ref('int_customers_aggregated') }}

),

value_tiers as (

    select * from {{ ref('int_customers_value_tiered') }}

),

behaviour as (

    select * from {{ ref('int_customers_behaviour_flagged') }}

),

profiles as (

    select * from {{ ref('int_customers_profiled') }}

),

figures as (

    select
        customers.customer_id,
        customers.purchase_days,
        customers.order_count,
        customers.days_since_first_order,
        customers.days_since_last_order,
        customers.expected_interval_days,
        customers.own_interval_days,
        customers.baseline_interval_days,
        value_tiers.revenue_top_share,
        value_tiers.is_vip,
        behaviour.discounted_order_count,
        behaviour.discount_known_order_count,
        behaviour.is_bargain_hunter,
        behaviour.season_purchase_days,
        behaviour.season_years,
        behaviour.is_seasonal,
        behaviour.known_channel_count,
        behaviour.is_omnichannel,
        behaviour.last_gap_days,
        behaviour.prior_expected_interval_days,
        behaviour.is_re_engaged,
        behaviour.is_infrequent,
        profiles.referred_customers,
        profiles.is_referrer,
        profiles.is_b2b

    from customers
    left join value_tiers
        on customers.customer_id = value_tiers.customer_id
    left join behaviour
        on customers.customer_id = behaviour.customer_id
    left join profiles
        on customers.customer_id = profiles.customer_id

),

explained as (

    select
        customer_id,
        {{ lifecycle_segment_case() }} as lifecycle_segment,
        {{ lifecycle_segment_reason() }} as segment_reason,
        {{ overlay_reasons() }} as overlay_reasons

    from figures

)

select * from explained
