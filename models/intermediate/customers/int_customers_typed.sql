{#-
    Customer types of the main source article that the lifecycle does not give
    (docs/customer-types.md): the prospect type of a customer without a purchase (lead, from a
    recent lead event; suspect, from the conversion of the customer's profile cell; prospect);
    the unhappy customer, from recent feedback or, without any, from the share of returned and
    refunded orders in a recent window; the advocate (a promoter who refers or reviews well); the
    novice (a recent buyer of a product that needs onboarding); the top category. A type that
    needs an absent optional raw table is null (stg_raw__optional_tables).
-#}
{%- set min_tenure_days = segmentation_setting('suspect_min_tenure_days') -%}
{%- set window_days = segmentation_setting('unhappy_window_days') -%}
{%- set lead_days = segmentation_setting('lead_window_days') -%}

with

customers as (

    select * from {{ ref('int_customers_aggregated') }}

),

profiles as (

    select * from {{ ref('int_customers_profiled') }}

),

staged_customers as (

    select * from {{ ref('stg_raw__customers') }}

),

orders as (

    select * from {{ ref('int_orders_validated') }}

),

optional_tables as (

    select * from {{ ref('stg_raw__optional_tables') }}

),

events as (

    select * from {{ ref('stg_raw__events') }}

),

feedback as (

    select * from {{ ref('int_customer_feedback_summarised') }}

),

bought_products as (

    select * from {{ ref('int_customer_products_summarised') }}

),

lead_events as (

    -- the latest lead event of each customer in the window of lead_window_days days that ends
    -- on the as-of date
    select
        events.customer_id,
        max(events.event_date) as last_lead_event_date

    from events
    inner join customers
        on events.customer_id = customers.customer_id
    where
        events.event_type in ({{ quoted_list(segmentation_setting('lead_event_types')) }})
        and events.event_date <= customers.as_of_date
        and events.event_date > cast({{ dbt.dateadd('day', -lead_days, 'customers.as_of_date') }} as date)
    group by events.customer_id

),

recent_orders as (

    -- orders that reached the customer (returned and refunded ones included) in the window
    -- of unhappy_window_days days that ends on the as-of date
    select
        orders.customer_id,
        count(*) as recent_received_orders,
        sum(case when orders.status in ('returned', 'refunded') then 1 else 0 end)
            as recent_returned_orders

    from orders
    inner join customers
        on orders.customer_id = customers.customer_id
    where
        orders.status in ({{ quoted_list(purchase_statuses() + ['returned', 'refunded']) }})
        and orders.order_date <= customers.as_of_date
        and orders.order_date > cast({{ dbt.dateadd('day', -window_days, 'customers.as_of_date') }} as date)
    group by orders.customer_id

),

cells as (

    -- the profile cell; a customer signed up at least suspect_min_tenure_days ago has had the
    -- time to convert, and counts in the conversion rates
    select
        customers.customer_id,
        customers.purchase_days,
        profiles.referred_customers,
        {{ dbt.concat([
            'profiles.region', "'|'", 'profiles.age_band', "'|'",
            "coalesce(staged_customers.gender, 'unknown')", "'|'",
            "case when profiles.is_b2b then 'business' else 'consumer' end",
        ]) }} as profile_cell,
        coalesce(
            {{ dbt.datediff('customers.signed_up_date', 'customers.as_of_date', 'day') }}
            >= {{ min_tenure_days }},
            false
        ) as has_had_time_to_convert

    from customers
    inner join profiles
        on customers.customer_id = profiles.customer_id
    inner join staged_customers
        on customers.customer_id = staged_customers.customer_id

),

cell_rates as (

    select
        profile_cell,
        count(*) as profile_cell_customers,
        cast(sum(case when purchase_days > 0 then 1 else 0 end) as {{ type_double() }}) / count(*)
            as profile_cell_conversion_rate

    from cells
    where has_had_time_to_convert
    group by profile_cell

),

population_rate as (

    select
        cast(sum(case when purchase_days > 0 then 1 else 0 end) as {{ type_double() }})
        / nullif(count(*), 0) as population_conversion_rate

    from cells
    where has_had_time_to_convert

),

returns_judged as (

    select
        cells.customer_id,
        cast(coalesce(recent_orders.recent_received_orders, 0) as {{ dbt.type_bigint() }})
            as recent_received_orders,
        cast(coalesce(recent_orders.recent_returned_orders, 0) as {{ dbt.type_bigint() }})
            as recent_returned_orders,
        cast(recent_orders.recent_returned_orders as {{ type_double() }})
        / nullif(recent_orders.recent_received_orders, 0) as recent_returned_order_share,
        coalesce(
            recent_orders.recent_received_orders >= {{ segmentation_setting('unhappy_min_orders') }}
            and recent_orders.recent_returned_orders
            >= {{ segmentation_setting('unhappy_min_returned_share') }} * recent_orders.recent_received_orders,
            false
        ) as is_unhappy_by_returns

    from cells
    left join recent_orders
        on cells.customer_id = recent_orders.customer_id

),

typed as (

    select
        cells.customer_id,
        cells.profile_cell,
        cast(coalesce(cell_rates.profile_cell_customers, 0) as {{ dbt.type_bigint() }})
            as profile_cell_customers,
        cell_rates.profile_cell_conversion_rate,
        population_rate.population_conversion_rate,
        case
            when cells.purchase_days > 0 then null
            when lead_events.last_lead_event_date is not null then 'lead'
            when
                cell_rates.profile_cell_customers >= {{ segmentation_setting('suspect_min_cell_customers') }}
                and cell_rates.profile_cell_conversion_rate
                >= {{ segmentation_setting('suspect_min_lift') }} * population_rate.population_conversion_rate
                then 'suspect'
            else 'prospect'
        end as prospect_type,
        case when cells.purchase_days = 0 then lead_events.last_lead_event_date end
            as last_lead_event_date,
        returns_judged.recent_received_orders,
        returns_judged.recent_returned_orders,
        returns_judged.recent_returned_order_share,
        case
            when optional_tables.has_raw_feedback
                then cast(coalesce(feedback.recent_feedback_answers, 0) as {{ dbt.type_bigint() }})
        end as recent_feedback_answers,
        case
            when optional_tables.has_raw_feedback
                then cast(coalesce(feedback.recent_detractor_answers, 0) as {{ dbt.type_bigint() }})
        end as recent_detractor_answers,
        case
            when coalesce(feedback.recent_feedback_answers, 0) > 0 then 'feedback'
            else 'returns'
        end as unhappy_basis,
        case
            when coalesce(feedback.recent_feedback_answers, 0) > 0
                then feedback.recent_detractor_answers > 0
            else returns_judged.is_unhappy_by_returns
        end as is_unhappy,
        optional_tables.has_raw_feedback,
        case
            when optional_tables.has_raw_feedback
                then coalesce(feedback.has_recent_promoter_answer, false)
        end as has_recent_promoter_answer,
        case
            when optional_tables.has_raw_feedback
                then coalesce(feedback.has_recent_positive_review, false)
        end as has_recent_positive_review,
        coalesce(
            feedback.has_recent_promoter_answer
            and (cells.referred_customers >= 1 or feedback.has_recent_positive_review),
            false
        ) as is_promoting,
        case
            when optional_tables.has_raw_order_items and optional_tables.has_raw_products
                then coalesce(bought_products.has_recent_onboarding_purchase, false)
        end as is_novice,
        bought_products.top_category,
        bought_products.top_category_share

    from cells
    cross join population_rate
    cross join optional_tables
    left join cell_rates
        on cells.profile_cell = cell_rates.profile_cell
    inner join returns_judged
        on cells.customer_id = returns_judged.customer_id
    left join lead_events
        on cells.customer_id = lead_events.customer_id
    left join feedback
        on cells.customer_id = feedback.customer_id
    left join bought_products
        on cells.customer_id = bought_products.customer_id

),

final as (

    select
        customer_id,
        profile_cell,
        profile_cell_customers,
        profile_cell_conversion_rate,
        population_conversion_rate,
        prospect_type,
        last_lead_event_date,
        recent_received_orders,
        recent_returned_orders,
        recent_returned_order_share,
        recent_feedback_answers,
        recent_detractor_answers,
        unhappy_basis,
        is_unhappy,
        has_recent_promoter_answer,
        has_recent_positive_review,
        is_novice,
        top_category,
        top_category_share,
        case when has_raw_feedback then is_promoting and not is_unhappy end as is_advocate

    from typed

)

select * from final
