{#-
    Customer types of the main source article that the lifecycle does not give
    (docs/customer-types.md): the prospect type of a customer without a purchase (lead, suspect or
    prospect), from the conversion of the customer's profile cell; the unhappy customer, from the
    share of returned and refunded orders in a recent window.
-#}
{%- set min_tenure_days = segmentation_setting('suspect_min_tenure_days') -%}
{%- set window_days = segmentation_setting('unhappy_window_days') -%}

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
            when
                cell_rates.profile_cell_customers >= {{ segmentation_setting('suspect_min_cell_customers') }}
                and cell_rates.profile_cell_conversion_rate
                >= {{ segmentation_setting('suspect_min_lift') }} * population_rate.population_conversion_rate
                then 'suspect'
            else 'prospect'
        end as prospect_type,
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
        ) as is_unhappy

    from cells
    cross join population_rate
    left join cell_rates
        on cells.profile_cell = cell_rates.profile_cell
    left join recent_orders
        on cells.customer_id = recent_orders.customer_id

)

select * from typed
