{#-
    Every raw event row (the optional raw_events table) parsed and judged once: cleaned and typed
    values, the first check it fails, and its outcome. Repeated exports of one event (the same
    customer, event type and instant) keep the first and supersede the others; a kept event of a
    customer who is not a kept customer is rejected as `unknown_customer`. No rows when the table
    is absent (macro raw_table_present).
-#}
with

source as (

    {{ optional_raw_source_rows('raw_events') }}

),

customers as (

    select customer_id from {{ ref('base_raw__customers') }}
    where row_outcome = 'kept'

),

raw_rows as (

    select
        cast(source.customer_id as {{ dbt.type_string() }}) as raw_customer_id,
        cast(source.event_at as {{ dbt.type_string() }}) as raw_event_at,
        cast(source.event_type as {{ dbt.type_string() }}) as raw_event_type,
        cast(source.properties as {{ dbt.type_string() }}) as raw_properties,
        source.source_file,
        source.source_file_size,
        source.source_file_modified_at

    from source

),

trimmed as (

    select
        *,
        {{ clean_text('raw_customer_id') }} as customer_id,
        {{ trim_text('raw_event_at') }} as event_at_text,
        {{ vocabulary_key('raw_event_type') }} as event_type

    from raw_rows

),

cleaned as (

    select
        *,
        {{ parse_utc_timestamp('event_at_text') }} as event_at

    from trimmed

),

checked as (

    select
        *,
        case
            when customer_id is null then 'missing_customer_id'
            when event_at_text is null then 'missing_event_at'
            when event_at is null then 'unparseable_event_at'
            when event_at > {{ future_cutoff() }} then 'event_in_future'
            when event_type is null then 'missing_event_type'
        end as row_problem

    from cleaned

),

versioned as (

    select
        *,
        row_number() over (
            partition by customer_id, event_type, event_at, row_problem
            order by
                raw_properties nulls last,
                source_file nulls last,
                raw_event_at nulls last,
                raw_event_type nulls last,
                raw_customer_id nulls last
        ) as version_rank

    from checked

),

classified as (

    select
        versioned.*,
        case
            when versioned.row_problem is not null then 'rejected'
            when versioned.version_rank > 1 then 'superseded'
            when customers.customer_id is null then 'rejected'
            else 'kept'
        end as row_outcome,
        case
            when versioned.row_problem is not null then versioned.row_problem
            when versioned.version_rank > 1 then null
            when customers.customer_id is null then 'unknown_customer'
        end as reject_reason

    from versioned
    left join customers
        on versioned.customer_id = customers.customer_id

),

final as (

    select
        source_file,
        source_file_size,
        source_file_modified_at,
        raw_customer_id,
        raw_event_at,
        raw_event_type,
        raw_properties,
        customer_id,
        event_at,
        event_type,
        version_rank,
        row_outcome,
        reject_reason,
        cast(event_at as date) as event_date

    from classified

)

select * from final
