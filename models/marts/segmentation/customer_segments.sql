{#-
    Lifecycle ladder: the first rule that matches wins (docs/rules.md).
    RFM scores and the overlays sit beside it (docs/rules.md, "RFM scores and segments" and "Overlays").
-#}
with

customers as (

    select * from {{ ref('int_customers_aggregated') }}

),

rfm_scores as (

    select * from {{ ref('int_customers_rfm_scored') }}

),

value_tiers as (

    select * from {{ ref('int_customers_value_tiered') }}

),

behaviour as (

    select * from {{ ref('int_customers_behaviour_flagged') }}

),

timing as (

    select * from {{ ref('int_customers_timed') }}

),

profiles as (

    select * from {{ ref('int_customers_profiled') }}

),

explanations as (

    select * from {{ ref('int_customers_explained') }}

),

types as (

    select * from {{ ref('int_customers_typed') }}

),

predictions as (

    select * from {{ ref('customer_predictions') }}

),

labelled as (

    select
        customer_id,
        {{ lifecycle_segment_case() }} as lifecycle_segment,
        order_count,
        purchase_days,
        signed_up_date,
        first_order_date,
        last_order_date,
        days_since_first_order,
        days_since_last_order,
        own_interval_days,
        expected_interval_days,
        baseline_interval_days,
        total_revenue,
        average_order_value,
        as_of_date

    from customers

),

final as (

    select
        labelled.*,
        rfm_scores.r_score,
        rfm_scores.f_score,
        rfm_scores.m_score,
        rfm_scores.rfm_code,
        rfm_scores.rfm_segment,
        value_tiers.revenue_top_share,
        value_tiers.value_tier,
        value_tiers.is_vip,
        behaviour.discount_known_order_count,
        behaviour.discounted_order_count,
        behaviour.discounted_order_share,
        behaviour.is_bargain_hunter,
        behaviour.season_purchase_days,
        behaviour.season_purchase_day_share,
        behaviour.season_years,
        behaviour.is_seasonal,
        behaviour.preferred_channel,
        behaviour.known_channel_count,
        behaviour.is_omnichannel,
        behaviour.last_gap_days,
        behaviour.prior_expected_interval_days,
        behaviour.is_re_engaged,
        behaviour.is_infrequent,
        timing.weekend_purchase_days,
        timing.weekend_purchase_day_share,
        timing.is_weekend_buyer,
        timing.holiday_purchase_days,
        timing.holiday_purchase_day_share,
        timing.holiday_years,
        timing.is_holiday_buyer,
        timing.anniversary_purchase_days,
        timing.anniversary_years,
        timing.is_anniversary_buyer,
        profiles.is_b2b,
        profiles.referred_customers,
        profiles.is_referrer,
        profiles.age_years,
        profiles.age_band,
        profiles.country_code,
        profiles.region,
        profiles.subregion,
        types.prospect_type,
        types.last_lead_event_date,
        types.profile_cell,
        types.profile_cell_customers,
        types.profile_cell_conversion_rate,
        types.population_conversion_rate,
        types.recent_received_orders,
        types.recent_returned_orders,
        types.recent_returned_order_share,
        types.recent_feedback_answers,
        types.recent_detractor_answers,
        types.unhappy_basis,
        types.is_unhappy,
        types.has_recent_promoter_answer,
        types.has_recent_positive_review,
        types.is_advocate,
        types.is_novice,
        types.top_category,
        types.top_category_share,
        predictions.p_alive,
        predictions.expected_purchases_90d,
        predictions.expected_purchases,
        predictions.prediction_horizon_days,
        cast(predictions.expected_spend_per_purchase as decimal(18, 2)) as expected_spend_per_purchase,
        cast(predictions.expected_revenue as decimal(18, 2)) as expected_revenue,
        cast(predictions.customer_lifetime_value as decimal(18, 2)) as customer_lifetime_value,
        {{ churn_risk_band('predictions.p_alive', 'labelled.purchase_days > 0') }} as predicted_churn_risk,
        explanations.segment_reason,
        explanations.overlay_reasons

    from labelled
    left join rfm_scores
        on labelled.customer_id = rfm_scores.customer_id
    left join value_tiers
        on labelled.customer_id = value_tiers.customer_id
    left join behaviour
        on labelled.customer_id = behaviour.customer_id
    left join timing
        on labelled.customer_id = timing.customer_id
    left join profiles
        on labelled.customer_id = profiles.customer_id
    left join types
        on labelled.customer_id = types.customer_id
    left join predictions
        on labelled.customer_id = predictions.customer_id
    left join explanations
        on labelled.customer_id = explanations.customer_id

)

select * from final
