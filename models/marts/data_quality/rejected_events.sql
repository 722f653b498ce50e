{#-
    Rejected raw event rows (the optional raw_events table): the reason, the file (and line, for
    malformed lines) and the raw fields but the free `properties` text, including kept events of
    an unknown customer (`unknown_customer`). Text that looks like an email address or a phone
    number is masked. No rows when the table is absent.
-#}
{%- set raw_columns = [
    'customer_id',
    'event_type',
    'raw_customer_id',
    'raw_event_at',
    'raw_event_type',
] -%}
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
        {{ masked_columns(raw_columns) }}

    from events
    where row_outcome = 'rejected'

),

malformed_rows as (

    {{ malformed_line_rows('malformed_lines', raw_columns) }}

),

final as (

    select * from rejected_rows
    union all
    select * from malformed_rows

)

select * from final
