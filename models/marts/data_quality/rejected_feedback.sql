{#-
    Rejected raw feedback rows (the optional raw_feedback table): the reason, the file (and line,
    for malformed lines) and the raw fields but the free comment, including answers of an
    unknown customer (`unknown_customer`). Text that looks like an email address or a phone
    number is masked. No rows when the table is absent.
-#}
{%- set raw_columns = [
    'customer_id',
    'kind',
    'raw_customer_id',
    'raw_answered_at',
    'raw_kind',
    'raw_score',
] -%}
with

feedback as (

    select * from {{ ref('base_raw__feedback') }}

),

malformed_lines as (

    select * from {{ ref('base_raw__malformed_lines') }}
    where raw_table = 'raw_feedback'

),

rejected_rows as (

    select
        reject_reason,
        source_file,
        cast(null as {{ dbt.type_bigint() }}) as line_number,
        cast(null as {{ dbt.type_string() }}) as malformed_line_error,
        {{ masked_columns(raw_columns) }}

    from feedback
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
