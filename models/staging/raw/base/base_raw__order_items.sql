{#-
    Every raw order item row (the optional raw_order_items table) parsed and judged once: the
    order and product ids, a whole positive quantity and a non-negative amount, the first check
    it fails, and the outcome. Repeated exports of one line (the same order and product) keep the
    first by their raw text and supersede the others. A kept line whose order is not a kept order
    of a kept customer is rejected as `unknown_order`; when raw_products is present, a kept line
    of a product that is not a kept product is rejected as `unknown_product`. No rows when the
    table is absent.
-#}
{%- set products_present = 'true' if raw_table_present('raw_products') else 'false' %}

with

source as (

    {{ optional_raw_source_rows('raw_order_items') }}

),

orders as (

    select orders.order_id
    from {{ ref('base_raw__orders') }} as orders
    inner join {{ ref('base_raw__customers') }} as customers
        on
            orders.customer_id = customers.customer_id
            and customers.row_outcome = 'kept'
    where orders.row_outcome = 'kept'

),

products as (

    select product_id from {{ ref('base_raw__products') }}
    where row_outcome = 'kept'

),

raw_rows as (

    select
        cast(source.order_id as {{ dbt.type_string() }}) as raw_order_id,
        cast(source.product_id as {{ dbt.type_string() }}) as raw_product_id,
        cast(source.quantity as {{ dbt.type_string() }}) as raw_quantity,
        cast(source.amount as {{ dbt.type_string() }}) as raw_amount,
        source.source_file,
        source.source_file_size,
        source.source_file_modified_at

    from source

),

trimmed as (

    select
        *,
        {{ clean_text('raw_order_id') }} as order_id,
        {{ clean_text('raw_product_id') }} as product_id,
        {{ trim_text('raw_quantity') }} as quantity_text,
        {{ trim_text('raw_amount') }} as amount_text

    from raw_rows

),

cleaned as (

    select
        *,
        case
            when {{ matches_fully(clean_token('quantity_text'), '[+-]?\d+(\.0*)?') }}
                then {{ parse_decimal('quantity_text') }}
        end as parsed_quantity,
        {{ parse_decimal('amount_text') }} as amount

    from trimmed

),

checked as (

    select
        *,
        case
            when order_id is null then 'missing_order_id'
            when product_id is null then 'missing_product_id'
            when quantity_text is null then 'missing_quantity'
            when parsed_quantity is null then 'unparseable_quantity'
            when parsed_quantity <= 0 then 'non_positive_quantity'
            when amount_text is null then 'missing_amount'
            when amount is null then 'unparseable_amount'
            when amount < 0 then 'negative_amount'
        end as row_problem

    from cleaned

),

versioned as (

    select
        *,
        row_number() over (
            partition by order_id, product_id, row_problem
            order by
                raw_quantity nulls last,
                raw_amount nulls last,
                source_file nulls last,
                raw_order_id nulls last,
                raw_product_id nulls last
        ) as version_rank

    from checked

),

classified as (

    select
        versioned.*,
        case
            when versioned.row_problem is not null then versioned.row_problem
            when versioned.version_rank > 1 then null
            when orders.order_id is null then 'unknown_order'
            when {{ products_present }} and products.product_id is null then 'unknown_product'
        end as reject_reason

    from versioned
    left join orders
        on versioned.order_id = orders.order_id
    left join products
        on versioned.product_id = products.product_id

),

final as (

    select
        source_file,
        source_file_size,
        source_file_modified_at,
        raw_order_id,
        raw_product_id,
        raw_quantity,
        raw_amount,
        order_id,
        product_id,
        amount,
        version_rank,
        reject_reason,
        cast(parsed_quantity as {{ dbt.type_bigint() }}) as quantity,
        case
            when reject_reason is not null then 'rejected'
            when version_rank > 1 then 'superseded'
            else 'kept'
        end as row_outcome

    from classified

)

select * from final
