{#-
    Every raw feedback row (the optional raw_feedback table: NPS and CSAT answers, reviews and
    complaints) parsed and judged once: cleaned and typed values, the first check it fails, and
    its outcome. Scores are checked against their kind's scale (NPS 0-10, CSAT and reviews 1-5);
    a complaint's score is not read. Repeated exports of one answer (the same customer, kind and
    instant) keep the first and supersede the others; a kept answer of a customer who is not a
    kept customer is rejected as `unknown_customer`. No rows when the table is absent.
-#}
with

source as (

    {{ optional_raw_source_rows('raw_feedback') }}

),

customers as (

    select customer_id from {{ ref('base_raw__customers') }}
    where row_outcome = 'kept'

),

raw_rows as (

    select
        cast(source.customer_id as {{ dbt.type_string() }}) as raw_customer_id,
        cast(source.answered_at as {{ dbt.type_string() }}) as raw_answered_at,
        cast(source.kind as {{ dbt.type_string() }}) as raw_kind,
        cast(source.score as {{ dbt.type_string() }}) as raw_score,
        cast(source.comment as {{ dbt.type_string() }}) as raw_comment,
        source.source_file,
        source.source_file_size,
        source.source_file_modified_at

    from source

),

trimmed as (

    select
        *,
        {{ clean_text('raw_customer_id') }} as customer_id,
        {{ trim_text('raw_answered_at') }} as answered_at_text,
        {{ vocabulary_key('raw_kind') }} as kind,
        {{ trim_text('raw_score') }} as score_text

    from raw_rows

),

cleaned as (

    select
        *,
        {{ parse_utc_timestamp('answered_at_text') }} as answered_at,
        {{ parse_decimal('score_text') }} as parsed_score

    from trimmed

),

checked as (

    select
        *,
        case
            when customer_id is null then 'missing_customer_id'
            when answered_at_text is null then 'missing_answered_at'
            when answered_at is null then 'unparseable_answered_at'
            when answered_at > {{ future_cutoff() }} then 'answered_in_future'
            when kind is null then 'missing_kind'
            when kind not in ({{ quoted_list(feedback_kinds()) }}) then 'unknown_kind'
            when kind = 'complaint' then null
            when score_text is null then 'missing_score'
            when parsed_score is null then 'unparseable_score'
            when kind = 'nps' and (parsed_score < 0 or parsed_score > 10) then 'score_out_of_range'
            when kind in ('csat', 'review') and (parsed_score < 1 or parsed_score > 5)
                then 'score_out_of_range'
        end as row_problem

    from cleaned

),

versioned as (

    select
        *,
        row_number() over (
            partition by customer_id, kind, answered_at, row_problem
            order by
                raw_score nulls last,
                raw_comment nulls last,
                source_file nulls last,
                raw_answered_at nulls last,
                raw_kind nulls last,
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
        raw_answered_at,
        raw_kind,
        raw_score,
        raw_comment,
        customer_id,
        answered_at,
        kind,
        version_rank,
        row_outcome,
        reject_reason,
        cast(answered_at as date) as answered_date,
        case when kind != 'complaint' then parsed_score end as score

    from classified

)

select * from final
