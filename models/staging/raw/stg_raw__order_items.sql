{#- The kept lines of the optional raw_order_items table, one row per order and product (none
    when absent). -#}
with

items as (

    select * from {{ ref('base_raw__order_items') }}

),

kept as (

    select
        order_id,
        product_id,
        quantity,
        amount

    from items
    where row_outcome = 'kept'

)

select * from kept
