{#-
    The malformed lines of both raw tables' CSV files (raw_files.*_malformed_lines, kept by the
    on-run-start hook register_raw_files), one row per line. Empty without raw_dir: seeds and
    warehouse tables have no lines to break.
-#}
with

customer_lines as (

    {{ raw_malformed_lines('raw_customers') }}

),

order_lines as (

    {{ raw_malformed_lines('raw_orders') }}

),

final as (

    select * from customer_lines
    union all
    select * from order_lines

)

select * from final
