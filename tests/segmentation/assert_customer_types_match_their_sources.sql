-- The types built on the optional raw tables, derived again from the staged rows one customer at
-- a time (correlated subqueries, not the models' joins and windows): a lead's last lead event,
-- the novice flag and the top category of customer_segments must equal them. Returns a row per
-- customer whose columns differ; null columns are compared as null. On DuckDB only, which
-- decorrelates the subqueries: PostgreSQL runs them once per customer (minutes on the sample),
-- and Spark's correlated subqueries cannot aggregate. The reference implementation
-- (tools/reference_segments.py) checks the same types on every build the tests compare.
{{ config(enabled=target.type == 'duckdb') }}
{%- set lead_days = segmentation_setting('lead_window_days') %}
{%- set novice_days = segmentation_setting('novice_window_days') %}

with

segments as (

    select
        *,
        cast({{ dbt.dateadd('day', -lead_days, 'as_of_date') }} as date) as lead_window_start,
        cast({{ dbt.dateadd('day', -novice_days, 'as_of_date') }} as date) as novice_window_start

    from {{ ref('customer_segments') }}

),

optional_tables as (

    select * from {{ ref('stg_raw__optional_tables') }}

),

derived as (

    select
        segments.customer_id,
        case
            when segments.purchase_days = 0 then (
                select max(events.event_date)
                from {{ ref('stg_raw__events') }} as events
                where
                    events.customer_id = segments.customer_id
                    and events.event_type in ({{ quoted_list(segmentation_setting('lead_event_types')) }})
                    and events.event_date <= segments.as_of_date
                    and events.event_date > segments.lead_window_start
            )
        end as expected_last_lead_event_date,
        case
            when optional_tables.has_raw_order_items and optional_tables.has_raw_products
                then exists (
                    select 1
                    from {{ ref('int_purchases_filtered') }} as purchases
                    inner join {{ ref('stg_raw__order_items') }} as items
                        on purchases.order_id = items.order_id
                    inner join {{ ref('stg_raw__products') }} as products
                        on items.product_id = products.product_id
                    where
                        purchases.customer_id = segments.customer_id
                        and products.needs_onboarding
                        and purchases.order_date > segments.novice_window_start
                )
        end as expected_is_novice,
        (
            select min(spend.category)
            from (
                select
                    products.category,
                    sum(items.amount) as category_spend,
                    sum(items.quantity) as category_units
                from {{ ref('int_purchases_filtered') }} as purchases
                inner join {{ ref('stg_raw__order_items') }} as items
                    on purchases.order_id = items.order_id
                inner join {{ ref('stg_raw__products') }} as products
                    on items.product_id = products.product_id
                where
                    purchases.customer_id = segments.customer_id
                    and products.category is not null
                group by products.category
            ) as spend
            where not exists (
                select 1
                from {{ ref('int_purchases_filtered') }} as other_purchases
                inner join {{ ref('stg_raw__order_items') }} as other_items
                    on other_purchases.order_id = other_items.order_id
                inner join {{ ref('stg_raw__products') }} as other_products
                    on other_items.product_id = other_products.product_id
                where
                    other_purchases.customer_id = segments.customer_id
                    and other_products.category is not null
                    and other_products.category != spend.category
                group by other_products.category
                having
                    sum(other_items.amount) > spend.category_spend
                    or (
                        sum(other_items.amount) = spend.category_spend
                        and sum(other_items.quantity) > spend.category_units
                    )
            )
        ) as expected_top_category,
        segments.last_lead_event_date,
        segments.is_novice,
        segments.top_category

    from segments
    cross join optional_tables

)

select *
from derived
where
    not coalesce(
        last_lead_event_date = expected_last_lead_event_date
        or (last_lead_event_date is null and expected_last_lead_event_date is null),
        false
    )
    or not coalesce(
        is_novice = expected_is_novice or (is_novice is null and expected_is_novice is null),
        false
    )
    or not coalesce(
        top_category = expected_top_category
        or (top_category is null and expected_top_category is null),
        false
    )
