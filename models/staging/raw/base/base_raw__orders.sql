{#-
    Every raw order row judged: the parsed rows (base_raw__orders_parsed) ranked among the
    exports of the same id, and classified kept, superseded or rejected. Incremental with raw_dir
    on DuckDB: a run ranks again only the ids found in new raw files, and rows without an id (see
    macros/incremental_raw_files.sql); its pre-hook first deletes their stored rows. Otherwise a
    table rebuilt every run.
-#}
{{
    config(
        materialized=raw_parse_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_raw_versions_to_rank(ref('base_raw__orders_parsed'), 'order_id') }}",
    )
}}
with

parsed as (

    select * from {{ ref('base_raw__orders_parsed') }}
    {%- if is_incremental() %}
        where {{ raw_versions_to_rank_condition(ref('base_raw__orders_parsed'), 'order_id') }}
    {%- endif %}

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

    from parsed

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
        version_rank,
        row_outcome,
        order_date,
        discount_amount,
        case when row_outcome = 'rejected' then row_problem end as reject_reason

    from classified

)

select * from final
