{#-
    Stands in for the team's loader: writes the raw exports, every column as text, into
    shop_raw.customer_export, shop_raw.order_export and the optional tables' event_export,
    feedback_export, order_item_export and product_export (where dbt_project.yml's scoped vars
    point the package), from the CSV files raw_customers.csv, raw_orders.csv, raw_events.csv,
    raw_feedback.csv, raw_order_items.csv and raw_products.csv in `folder` (by default the
    package's bundled sample). DuckDB only. Run before `dbt build`:

        dbt run-operation load_raw_exports
-#}
{% macro load_raw_exports(
    folder='dbt_packages/segmentation/seeds',
    schema='shop_raw',
    customers_table='customer_export',
    orders_table='order_export'
) %}
    {%- set tables = {
        customers_table: 'raw_customers.csv',
        orders_table: 'raw_orders.csv',
        'event_export': 'raw_events.csv',
        'feedback_export': 'raw_feedback.csv',
        'order_item_export': 'raw_order_items.csv',
        'product_export': 'raw_products.csv',
    } -%}
    {%- do run_query('create schema if not exists ' ~ adapter.quote(schema)) -%}
    {%- for table, file in tables.items() -%}
        {%- set path = folder.rstrip('/') ~ '/' ~ file -%}
        {%- do run_query(
            'create or replace table ' ~ adapter.quote(schema) ~ '.' ~ adapter.quote(table)
            ~ " as select * from read_csv('" ~ path | replace("'", "''") ~ "', header = true,"
            ~ ' all_varchar = true)'
        ) -%}
        {%- do log('loaded ' ~ path ~ ' into ' ~ schema ~ '.' ~ table, info=true) -%}
    {%- endfor -%}
    {%- do adapter.commit() -%}
{% endmacro %}
