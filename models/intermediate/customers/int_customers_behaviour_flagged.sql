{#-
    Behavioural overlays beside the lifecycle segment (docs/rules.md, "Overlays"): bargain hunter,
    seasonal, preferred channel and omnichannel, re-engaged and infrequent. Every figure uses
    the purchases of int_purchases_filtered (same purchase rule and as-of date as the lifecycle).
-#}
{%- set seasonal_months = segmentation_setting('seasonal_months') -%}
{%- set min_cycle = segmentation_setting('min_purchase_days_for_own_cycle') -%}

with

customers as (

    select * from {{ ref('int_customers_aggregated') }}

),

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

purchase_days as (

    select * from {{ ref('int_purchase_days_sequenced') }}

),

channels as (

    select * from {{ ref('int_customer_channels_summarised') }}

),

discount_facts as (

    select
        customer_id,
        count(discount_amount) as discount_known_order_count,
        sum(
            case
                when discount_amount > {{ segmentation_setting('bargain_min_discount_amount') }} then 1
                else 0
            end
        ) as discounted_order_count

    from purchases
    group by customer_id

),

season_days as (

    select
        customer_id,
        purchase_date,
        extract(month from purchase_date) in ({{ seasonal_months | join(', ') }}) as is_in_season,
        -- the season year starts on the 1st of the first listed month
        extract(year from purchase_date)
        - case
            when extract(month from purchase_date) < {{ seasonal_months[0] }} then 1
            else 0
        end as season_year

    from purchase_days

),

season_facts as (

    select
        customer_id,
        sum(case when is_in_season then 1 else 0 end) as season_purchase_days,
        count(distinct case when is_in_season then season_year end) as season_years

    from season_days
    group by customer_id

),

channel_facts as (

    select
        customer_id,
        sum(case when is_known_channel then 1 else 0 end) as known_channel_count,
        max(case when preference_rank = 1 then channel end) as preferred_known_channel

    from channels
    group by customer_id

),

last_gaps as (

    select
        customer_id,
        purchase_date,
        previous_purchase_date,
        days_since_previous_purchase as last_gap_days

    from purchase_days
    where previous_purchase_date is not null

),

figures as (

    select
        customers.customer_id,
        customers.purchase_days,
        customers.own_interval_days,
        customers.baseline_interval_days,
        coalesce(discount_facts.discount_known_order_count, 0) as discount_known_order_count,
        cast(coalesce(discount_facts.discounted_order_count, 0) as {{ dbt.type_bigint() }}) as discounted_order_count,
        cast(coalesce(season_facts.season_purchase_days, 0) as {{ dbt.type_bigint() }}) as season_purchase_days,
        coalesce(season_facts.season_years, 0) as season_years,
        cast(coalesce(channel_facts.known_channel_count, 0) as {{ dbt.type_bigint() }}) as known_channel_count,
        case
            when customers.purchase_days = 0 then 'none'
            else coalesce(channel_facts.preferred_known_channel, 'unknown')
        end as preferred_channel,
        last_gaps.last_gap_days,
        case
            -- the expected interval as it stood the day before the last purchase day
            when customers.purchase_days - 1 >= {{ min_cycle }}
                then
                    cast(
                        {{ dbt.datediff('customers.first_order_date', 'last_gaps.previous_purchase_date', 'day') }}
                        as {{ type_double() }}
                    )
                    / (customers.purchase_days - 2)
            when customers.purchase_days >= 2
                then customers.baseline_interval_days
        end as prior_expected_interval_days

    from customers
    left join discount_facts
        on customers.customer_id = discount_facts.customer_id
    left join season_facts
        on customers.customer_id = season_facts.customer_id
    left join channel_facts
        on customers.customer_id = channel_facts.customer_id
    left join last_gaps
        on
            customers.customer_id = last_gaps.customer_id
            and customers.last_order_date = last_gaps.purchase_date

),

flagged as (

    select
        customer_id,
        discount_known_order_count,
        discounted_order_count,
        cast(discounted_order_count as {{ type_double() }}) / nullif(discount_known_order_count, 0)
            as discounted_order_share,
        (
            discount_known_order_count >= {{ segmentation_setting('bargain_min_purchases') }}
            and discounted_order_count
            >= {{ segmentation_setting('bargain_min_discounted_share') }} * discount_known_order_count
        ) as is_bargain_hunter,
        season_purchase_days,
        cast(season_purchase_days as {{ type_double() }}) / nullif(purchase_days, 0)
            as season_purchase_day_share,
        season_years,
        (
            season_purchase_days >= {{ segmentation_setting('seasonal_min_share') }} * purchase_days
            and season_years >= {{ segmentation_setting('seasonal_min_years') }}
        ) as is_seasonal,
        preferred_channel,
        known_channel_count,
        known_channel_count >= {{ segmentation_setting('omnichannel_min_channels') }} as is_omnichannel,
        last_gap_days,
        prior_expected_interval_days,
        coalesce(
            last_gap_days > {{ segmentation_setting('lapsed_multiplier') }} * prior_expected_interval_days,
            false
        ) as is_re_engaged,
        coalesce(
            purchase_days >= {{ min_cycle }}
            and own_interval_days > {{ segmentation_setting('infrequent_multiplier') }} * baseline_interval_days,
            false
        ) as is_infrequent

    from figures

)

select * from flagged
