-- The lifecycle labels in one hand-written DuckDB query over the raw Parquet files: the floor
-- any dbt pipeline can reach on the same data. Same rules as the dbt project with the cheapest
-- parsing that is exact on generated data (try_cast for timestamps and amounts).
-- `{raw_dir}` is replaced by the benchmark before it runs.
with

customers as (
    select
        trim(customer_id) as customer_id,
        trim(signed_up_at) as signed_up_text,
        try_cast(trim(signed_up_at) as timestamp) as signed_up_at,
        trim(updated_at) as updated_text,
        try_cast(trim(updated_at) as timestamp) as updated_at
    from read_parquet('{raw_dir}/raw_customers*.parquet')
),

current_customers as (
    select customer_id, cast(signed_up_at as date) as signed_up_date
    from customers
    where customer_id <> ''
    qualify
        row_number() over (partition by customer_id order by updated_at desc nulls last) = 1
        and (signed_up_at is not null or coalesce(signed_up_text, '') = '')
        and (updated_at is not null or coalesce(updated_text, '') = '')
),

orders as (
    select
        trim(order_id) as order_id,
        trim(customer_id) as customer_id,
        try_cast(trim(ordered_at) as timestamp) as ordered_at,
        regexp_replace(lower(trim(status)), '[\s-]+', '_', 'g') as status,
        try_cast(replace(amount, ' ', '') as decimal(18, 4)) as amount,
        trim(updated_at) as updated_text,
        try_cast(trim(updated_at) as timestamp) as updated_at
    from read_parquet('{raw_dir}/raw_orders*.parquet')
),

current_orders as (
    select customer_id, cast(ordered_at as date) as order_date, status, amount
    from orders
    where order_id <> ''
    qualify
        row_number() over (partition by order_id order by updated_at desc nulls last) = 1
        and customer_id <> ''
        and ordered_at is not null
        and (updated_at is not null or coalesce(updated_text, '') = '')
        and amount >= 0
),

purchases as (
    select o.customer_id, o.order_date, o.amount
    from current_orders as o
    semi join current_customers as c on o.customer_id = c.customer_id
    where o.status in ('completed', 'delivered', 'shipped') and o.amount >= 0.01
),

as_of as (select max(order_date) as as_of_date from purchases),

per_customer as (
    select
        customer_id,
        count(*) as order_count,
        count(distinct order_date) as purchase_days,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date
    from purchases
    group by customer_id
),

population as (
    select
        c.customer_id,
        coalesce(p.purchase_days, 0) as purchase_days,
        coalesce(p.order_count, 0) as order_count,
        a.as_of_date - p.first_order_date as tenure,
        a.as_of_date - p.last_order_date as recency,
        case
            when p.purchase_days >= 2
                then (p.last_order_date - p.first_order_date) / (p.purchase_days - 1)
        end as own_interval
    from current_customers as c
    cross join as_of as a
    left join per_customer as p on c.customer_id = p.customer_id
    where c.signed_up_date <= a.as_of_date or p.customer_id is not null
),

labelled as (
    select
        customer_id,
        case
            when purchase_days = 0 then 'prospect'
            when tenure <= 30 then 'new'
            when recency > 4 * expected then 'churned'
            when recency > 2 * expected then 'lapsed'
            when recency > 1 * expected then 'at_risk'
            when order_count >= 4 and tenure >= 180 then 'loyal'
            when purchase_days >= 2 then 'repeat'
            else 'active'
        end as lifecycle_segment
    from (
        select
            *,
            case
                when purchase_days >= 3 then own_interval
                when purchase_days >= 1
                    then (select median(own_interval) from population where purchase_days >= 2)
            end as expected
        from population
    )
)

select * from labelled
