{#-
    The lifecycle rules, written once and shared by `int_customers_aggregated` / `customer_segments`
    (one as-of date) and `customer_segment_history` (every month end), so the two cannot diverge.
-#}

{#-
    Per (customer, as-of date) purchase figures, rendered as CTE definitions to place inside a
    `with` list (the caller writes the comma before and after). The last CTE is named `name`.

    customers     relation or CTE with customer_id, signed_up_date
    purchase_days relation or CTE with customer_id, purchase_date, orders_on_day, revenue_on_day
                  (one row per customer and purchase day)
    as_of_dates   relation or CTE with as_of_date, min_purchase_days_for_own_cycle
                  (one row per date to compute the figures for)

    For each as-of date only purchase days on or before it count, and the as-of population is
    every customer signed up on or before it or with a purchase on or before it; the baseline
    interval is the median over that date's population.
-#}
{% macro customer_figures(customers, purchase_days, as_of_dates, name='customer_figures') -%}
    {{ return(adapter.dispatch('customer_figures', 'segmentation')(customers, purchase_days, as_of_dates, name)) }}
{%- endmacro %}

{% macro default__customer_figures(customers, purchase_days, as_of_dates, name) -%}
{#-
    Written so that memory grows with the output, not with purchase days x as-of dates: each
    purchase day carries the running figures up to it, which hold from that day until the day
    before the customer's next purchase day, so each (customer, as-of date) row comes from
    exactly one purchase day by a range join, with no aggregation over the pairs and no join
    of every customer with every date against those figures.
-#}
{{ name }}_purchase_steps as (

    select
        customer_id,
        purchase_date,
        lead(purchase_date) over (
            partition by customer_id order by purchase_date
        ) as next_purchase_date,
        min(purchase_date) over (partition by customer_id) as first_order_date,
        count(*) over (
            partition by customer_id order by purchase_date
            rows between unbounded preceding and current row
        ) as purchase_days,
        sum(orders_on_day) over (
            partition by customer_id order by purchase_date
            rows between unbounded preceding and current row
        ) as order_count,
        sum(revenue_on_day) over (
            partition by customer_id order by purchase_date
            rows between unbounded preceding and current row
        ) as total_revenue

    from {{ purchase_days }}

),

{{ name }}_purchase_facts as (

    select
        dates.as_of_date,
        steps.customer_id,
        cast(steps.order_count as {{ dbt.type_bigint() }}) as order_count,
        steps.purchase_days,
        steps.first_order_date,
        steps.purchase_date as last_order_date,
        steps.total_revenue,
        dates.min_purchase_days_for_own_cycle

    from {{ name }}_purchase_steps as steps
    inner join {{ as_of_dates }} as dates
        on
            steps.purchase_date <= dates.as_of_date
            and dates.as_of_date < coalesce(steps.next_purchase_date, cast('9999-12-31' as date))

),

{{ name }}_first_purchases as (

    select
        customer_id,
        min(purchase_date) as first_order_date

    from {{ purchase_days }}
    group by customer_id

),

{{ name }}_population as (

    -- customers with a purchase on or before the as-of date
    select
        customers.customer_id,
        customers.signed_up_date,
        facts.first_order_date,
        facts.last_order_date,
        facts.as_of_date,
        facts.min_purchase_days_for_own_cycle,
        facts.order_count,
        facts.purchase_days,
        facts.total_revenue

    from {{ customers }} as customers
    inner join {{ name }}_purchase_facts as facts
        on customers.customer_id = facts.customer_id

    union all

    -- customers signed up on or before the as-of date without a purchase by then
    select
        customers.customer_id,
        customers.signed_up_date,
        cast(null as date) as first_order_date,
        cast(null as date) as last_order_date,
        dates.as_of_date,
        dates.min_purchase_days_for_own_cycle,
        0 as order_count,
        0 as purchase_days,
        0 as total_revenue

    from {{ customers }} as customers
    cross join {{ as_of_dates }} as dates
    left join {{ name }}_first_purchases as first_purchases
        on customers.customer_id = first_purchases.customer_id
    where
        customers.signed_up_date <= dates.as_of_date
        and (
            first_purchases.first_order_date is null
            or first_purchases.first_order_date > dates.as_of_date
        )

),

{{ name }}_intervals as (

    select
        *,
        {{ dbt.datediff('first_order_date', 'as_of_date', 'day') }}
            as days_since_first_order,
        {{ dbt.datediff('last_order_date', 'as_of_date', 'day') }}
            as days_since_last_order,
        case
            when purchase_days >= 2
                then
                    cast(
                        {{ dbt.datediff('first_order_date', 'last_order_date', 'day') }}
                        as {{ type_double() }}
                    )
                    / (purchase_days - 1)
        end as own_interval_days

    from {{ name }}_population

),

{{ name }}_baselines as (

    select
        as_of_date,
        percentile_cont(0.5) within group (order by own_interval_days) as baseline_interval_days

    from {{ name }}_intervals
    where purchase_days >= 2
    group by as_of_date

),

{{ name }} as (

    select
        intervals.customer_id,
        intervals.as_of_date,
        intervals.signed_up_date,
        intervals.order_count,
        intervals.purchase_days,
        intervals.first_order_date,
        intervals.last_order_date,
        intervals.days_since_first_order,
        intervals.days_since_last_order,
        intervals.own_interval_days,
        baselines.baseline_interval_days,
        case
            when intervals.purchase_days >= intervals.min_purchase_days_for_own_cycle
                then intervals.own_interval_days
            when intervals.purchase_days >= 1
                then baselines.baseline_interval_days
        end as expected_interval_days,
        cast(intervals.total_revenue as decimal(18, 2)) as total_revenue,
        cast(
            case
                when intervals.order_count > 0 then intervals.total_revenue / intervals.order_count
            end as decimal(18, 2)
        ) as average_order_value

    from {{ name }}_intervals as intervals
    left join {{ name }}_baselines as baselines
        on intervals.as_of_date = baselines.as_of_date

)
{%- endmacro %}


{#-
    The lifecycle ladder as one CASE expression, first match wins (docs/rules.md).
    Reads the columns purchase_days, order_count, days_since_first_order, days_since_last_order
    and expected_interval_days (optionally qualified by `relation`) and the thresholds in force.
-#}
{% macro lifecycle_segment_case(relation=none) -%}
    {%- set p = (relation ~ '.') if relation else '' -%}
    {%- set rungs = lifecycle_rungs(p) -%}
    case
        {%- for rung in rungs %}
        {%- if loop.last %}
        else '{{ rung.segment }}'
        {%- else %}
        when {{ rung.condition }}
            then '{{ rung.segment }}'
        {%- endif %}
        {%- endfor %}
    end
{%- endmacro %}
