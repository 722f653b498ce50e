{#-
    Every raw order row parsed once: cleaned and typed values, and the first check it fails.
    Incremental with raw_dir on DuckDB (see macros/incremental_raw_files.sql): a run parses only
    the rows of new or changed files; its pre-hook first drops the rows of changed or removed
    files. Otherwise (the bundled seed, other engines) a table rebuilt every run.
-#}
{{
    config(
        materialized=raw_parse_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_raw_files('raw_orders') }}",
    )
}}

with

source as (

    {{ raw_source_rows('raw_orders') }}

),

raw_rows as (

    select
        cast(source.order_id as {{ dbt.type_string() }}) as raw_order_id,
        cast(source.customer_id as {{ dbt.type_string() }}) as raw_customer_id,
        cast(source.ordered_at as {{ dbt.type_string() }}) as raw_ordered_at,
        cast(source.status as {{ dbt.type_string() }}) as raw_status,
        cast(source.channel as {{ dbt.type_string() }}) as raw_channel,
        cast(source.amount as {{ dbt.type_string() }}) as raw_amount,
        cast(source.discount_amount as {{ dbt.type_string() }}) as raw_discount_amount,
        cast(source.updated_at as {{ dbt.type_string() }}) as raw_updated_at,
        source.source_file,
        source.source_file_size,
        source.source_file_modified_at

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
        {{ trim_text('raw_discount_amount') }} as discount_amount_text,
        {{ vocabulary_key('raw_status') }} as status_key,
        {{ vocabulary_key('raw_channel') }} as channel_key

    from raw_rows

),

cleaned as (

    select
        *,
        {{ parse_utc_timestamp('ordered_at_text') }} as ordered_at,
        {{ normalise_order_status('status_key') }} as status,
        {{ normalise_channel('channel_key') }} as channel,
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
            when ordered_at > {{ future_cutoff() }} then 'ordered_in_future'
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

final as (

    select
        source_file,
        source_file_size,
        source_file_modified_at,
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
        row_problem,
        cast(ordered_at as date) as order_date,
        case
            when has_invalid_discount_amount then null
            else coalesce(parsed_discount_amount, cast(0 as decimal(18, 4)))
        end as discount_amount

    from checked

)

select * from final
