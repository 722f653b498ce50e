{#- Where every raw row went: kept, rejected (see rejected_customers / rejected_orders) or superseded. -#}
with

customer_versions as (

    select * from {{ ref('base_raw__customers') }}

),

order_versions as (

    select * from {{ ref('base_raw__orders') }}

),

orders as (

    select * from {{ ref('int_orders_validated') }}

),

customer_outcomes as (

    select
        'raw_customers' as raw_table,
        row_outcome

    from customer_versions

),

order_outcomes as (

    select
        'raw_orders' as raw_table,
        case
            when order_versions.row_outcome = 'kept' and not orders.has_known_customer
                then 'rejected'
            else order_versions.row_outcome
        end as row_outcome

    from order_versions
    left join orders
        on
            order_versions.row_outcome = 'kept'
            and order_versions.order_id = orders.order_id

),

outcomes as (

    select * from customer_outcomes
    union all
    select * from order_outcomes

),

final as (

    select
        raw_table,
        count(*) as raw_rows,
        count(case when row_outcome = 'kept' then 1 end) as kept_rows,
        count(case when row_outcome = 'rejected' then 1 end) as rejected_rows,
        count(case when row_outcome = 'superseded' then 1 end) as superseded_rows

    from outcomes
    group by raw_table

)

select * from final
