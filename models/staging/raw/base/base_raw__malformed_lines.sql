{#-
    The malformed lines of every raw table's CSV files (raw_files.*_malformed_lines, kept by the
    on-run-start hook register_raw_files), one row per line; an absent optional table has none.
    Empty without raw_dir: seeds and warehouse tables have no lines to break.
-#}
with

customers_lines as (

    {{ raw_malformed_lines('raw_customers') }}

),

orders_lines as (

    {{ raw_malformed_lines('raw_orders') }}

),

events_lines as (

    {{ raw_malformed_lines('raw_events') }}

),

feedback_lines as (

    {{ raw_malformed_lines('raw_feedback') }}

),

order_items_lines as (

    {{ raw_malformed_lines('raw_order_items') }}

),

products_lines as (

    {{ raw_malformed_lines('raw_products') }}

),

final as (

    select * from customers_lines
    union all
    select * from orders_lines
    union all
    select * from events_lines
    union all
    select * from feedback_lines
    union all
    select * from order_items_lines
    union all
    select * from products_lines

)

select * from final
