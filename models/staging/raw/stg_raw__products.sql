{#- The kept products of the optional raw_products table, one row per product (none when absent). -#}
with

products as (

    select * from {{ ref('base_raw__products') }}

),

kept as (

    select
        product_id,
        product_name,
        category,
        needs_onboarding

    from products
    where row_outcome = 'kept'

)

select * from kept
