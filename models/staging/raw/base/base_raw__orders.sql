{%- if not var('raw_dir', none) %}
-- depends_on: {{ ref('raw_orders') }}
{%- endif %}

with

source as (

    select * from {{ source('raw', 'raw_orders') }}

),

raw_rows as (

    select
        cast(order_id as {{ dbt.type_string() }}) as raw_order_id,
        cast(customer_id as {{ dbt.type_string() }}) as raw_customer_id,
        cast(ordered_at as {{ dbt.type_string() }}) as raw_ordered_at,
        cast(status as {{ dbt.type_string() }}) as raw_status,
        cast(channel as {{ dbt.type_string() }}) as raw_channel,
        cast(amount as {{ dbt.type_string() }}) as raw_amount,
        cast(discount_amount as {{ dbt.type_string() }}) as raw_discount_amount,
        cast(updated_at as {{ dbt.type_string() }}) as raw_updated_at

    from source

),

trimmed as (

    select
        *,
        {{ clean_text('raw_order_id') }} as order_id,
        {{ clean_text('raw_customer_id') }} as customer_id,
        {{ trim_text('raw_ordered_at') }} as ordered_at_text,
        {{ trim_text('raw_updated_at') }} as updated_at_text,
        {{ trim_text('raw_amount') }} as amount_text,
        {{ trim_text('raw_discount_amount') }} as discount_amount_text

    from raw_rows

),

cleaned as (

    select
        *,
        {{ parse_utc_timestamp('ordered_at_text') }} as ordered_at,
        {{ normalise_order_status('raw_status') }} as status,
        {{ normalise_channel('raw_channel') }} as channel,
        {{ parse_decimal('amount_text') }} as amount,
        {{ parse_decimal('discount_amount_text') }} as parsed_discount_amount,
        {{ parse_utc_timestamp('updated_at_text') }} as updated_at

    from trimmed

),

checked as (

    select
        *,
        case
            when order_id is null then 'missing_order_id'
            when customer_id is null then 'missing_customer_id'
            when ordered_at_text is null then 'missing_ordered_at'
            when ordered_at is null then 'unparseable_ordered_at'
            when updated_at is null and updated_at_text is not null then 'unparseable_updated_at'
            when status is null then 'missing_status'
            when status not in ({{ quoted_list(order_statuses()) }}) then 'unknown_status'
            when amount_text is null then 'missing_amount'
            when amount is null then 'unparseable_amount'
            when amount < 0 then 'negative_amount'
        end as row_problem,
        coalesce(
            discount_amount_text is not null
            and (parsed_discount_amount is null or parsed_discount_amount < 0),
            false
        ) as has_invalid_discount_amount

    from cleaned

),

versioned as (

    select
        *,
        row_number() over (
            partition by order_id
            order by
                updated_at desc nulls last,
                {#- exact ties: decided by the raw text, the same way on every run -#}
                raw_ordered_at, raw_status, raw_amount, raw_channel, raw_customer_id,
                raw_discount_amount, raw_updated_at, raw_order_id
        ) as version_rank

    from checked

),

classified as (

    select
        *,
        case
            when order_id is null then 'rejected'
            when version_rank > 1 then 'superseded'
            when row_problem is not null then 'rejected'
            else 'kept'
        end as row_outcome

    from versioned

),

final as (

    select
        raw_order_id,
        raw_customer_id,
        raw_ordered_at,
        raw_status,
        raw_channel,
        raw_amount,
        raw_discount_amount,
        raw_updated_at,
        order_id,
        customer_id,
        ordered_at,
        status,
        channel,
        amount,
        has_invalid_discount_amount,
        updated_at,
        version_rank,
        row_outcome,
        cast(ordered_at as date) as order_date,
        case
            when has_invalid_discount_amount then null
            else coalesce(parsed_discount_amount, cast(0 as decimal(18, 4)))
        end as discount_amount,
        case when row_outcome = 'rejected' then row_problem end as reject_reason

    from classified

)

select * from final
