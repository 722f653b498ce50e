{#-
    Every raw customer row judged: the parsed rows (base_raw__customers_parsed) ranked among the
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
        pre_hook="{{ delete_raw_versions_to_rank(ref('base_raw__customers_parsed'), 'customer_id') }}",
    )
}}
with

parsed as (

    select * from {{ ref('base_raw__customers_parsed') }}
    {%- if is_incremental() %}
        where {{ raw_versions_to_rank_condition(ref('base_raw__customers_parsed'), 'customer_id') }}
    {%- endif %}

),

versioned as (

    select
        *,
        row_number() over (
            partition by customer_id
            order by
                updated_at desc nulls last,
                {#- exact ties: decided by the raw text, the same way on every run -#}
                raw_signed_up_at, raw_email, raw_first_name, raw_last_name, raw_phone, raw_city,
                raw_country_code, raw_birth_date, raw_gender, raw_company_name,
                raw_referred_by_customer_id, raw_updated_at, raw_accepts_marketing, raw_customer_id
        ) as version_rank

    from parsed

),

classified as (

    select
        *,
        case
            when customer_id is null then 'rejected'
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
        raw_customer_id,
        raw_first_name,
        raw_last_name,
        raw_email,
        raw_phone,
        raw_signed_up_at,
        raw_country_code,
        raw_city,
        raw_birth_date,
        raw_gender,
        raw_company_name,
        raw_referred_by_customer_id,
        raw_updated_at,
        raw_accepts_marketing,
        customer_id,
        first_name,
        last_name,
        email,
        phone,
        signed_up_at,
        country_code,
        city,
        birth_date,
        gender,
        company_name,
        referred_by_customer_id,
        updated_at,
        accepts_marketing,
        has_invalid_birth_date,
        has_valid_email,
        has_valid_phone,
        version_rank,
        row_outcome,
        case when row_outcome = 'rejected' then row_problem end as reject_reason

    from classified

)

select * from final
