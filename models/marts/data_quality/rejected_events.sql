{#-
    Rejected raw event rows (the optional raw_events table): the reason, the file (and line, for
    malformed lines) and the raw fields but the free `properties` text, including kept events of
    an unknown customer (`unknown_customer`). Text that looks like an email address or a phone
    number is masked. No rows when the table is absent.
-#}
with

events as (

    select * from {{ ref('base_raw__events') }}

),

malformed_lines as (

    select * from {{ ref('base_raw__malformed_lines') }}
    where raw_table = 'raw_events'

),

rejected_rows as (

    select
        reject_reason,
        source_file,
        cast(null as {{ dbt.type_bigint() }}) as line_number,
        cast(null as {{ dbt.type_string() }}) as malformed_line_error,
        {{ masked_if_personal('customer_id') }} as customer_id,
        {{ masked_if_personal('event_type') }} as event_type,
        {{ masked_if_personal('raw_customer_id') }} as raw_customer_id,
        {{ masked_if_personal('raw_event_at') }} as raw_event_at,
        {{ masked_if_personal('raw_event_type') }} as raw_event_type

    from events
    where row_outcome = 'rejected'

),

malformed_rows as (

    select
        'malformed_line' as reject_reason,
        source_file,
        line_number,
        malformed_line_error,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as event_type,
        cast(null as {{ dbt.type_string() }}) as raw_customer_id,
        cast(null as {{ dbt.type_string() }}) as raw_event_at,
        cast(null as {{ dbt.type_string() }}) as raw_event_type

    from malformed_lines

),

final as (

    select * from rejected_rows
    union all
    select * from malformed_rows

)

select * from final
