with

customers as (

    select * from {{ ref('stg_raw__customers') }}

),

purchase_days as (

    select * from {{ ref('int_purchase_days_sequenced') }}

),

settings as (

    select * from {{ ref('int_settings_resolved') }}

),

purchase_facts as (

    select
        customer_id,
        cast(sum(orders_on_day) as {{ dbt.type_bigint() }}) as order_count,
        count(*) as purchase_days,
        min(purchase_date) as first_order_date,
        max(purchase_date) as last_order_date,
        sum(revenue_on_day) as total_revenue

    from purchase_days
    group by customer_id

),

population as (

    select
        customers.customer_id,
        customers.signed_up_date,
        purchase_facts.first_order_date,
        purchase_facts.last_order_date,
        settings.as_of_date,
        settings.min_purchase_days_for_own_cycle,
        coalesce(purchase_facts.order_count, 0) as order_count,
        coalesce(purchase_facts.purchase_days, 0) as purchase_days,
        coalesce(purchase_facts.total_revenue, 0) as total_revenue

    from customers
    cross join settings
    left join purchase_facts
        on customers.customer_id = purchase_facts.customer_id
    where
        customers.signed_up_date <= settings.as_of_date
        or purchase_facts.customer_id is not null

),

intervals as (

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

    from population

),

baseline as (

    select percentile_cont(0.5) within group (order by own_interval_days) as baseline_interval_days

    from intervals
    where purchase_days >= 2

),

final as (

    select
        intervals.customer_id,
        intervals.signed_up_date,
        intervals.order_count,
        intervals.purchase_days,
        intervals.first_order_date,
        intervals.last_order_date,
        intervals.days_since_first_order,
        intervals.days_since_last_order,
        intervals.own_interval_days,
        baseline.baseline_interval_days,
        intervals.as_of_date,
        cast(intervals.total_revenue as decimal(18, 2)) as total_revenue,
        cast(
            case
                when intervals.order_count > 0 then intervals.total_revenue / intervals.order_count
            end as decimal(18, 2)
        ) as average_order_value,
        case
            when intervals.purchase_days >= intervals.min_purchase_days_for_own_cycle
                then intervals.own_interval_days
            when intervals.purchase_days >= 1
                then baseline.baseline_interval_days
        end as expected_interval_days

    from intervals
    cross join baseline

)

select * from final
