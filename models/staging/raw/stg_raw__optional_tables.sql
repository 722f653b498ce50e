{#- One row: which optional raw tables this run read (macro raw_table_present). A type that
    needs an absent table is null. -#}
with

present as (

    select
        {{ raw_table_present('raw_events') }} as has_raw_events,
        {{ raw_table_present('raw_feedback') }} as has_raw_feedback,
        {{ raw_table_present('raw_order_items') }} as has_raw_order_items,
        {{ raw_table_present('raw_products') }} as has_raw_products

)

select * from present
