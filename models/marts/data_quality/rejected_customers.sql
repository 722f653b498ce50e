{#-
    Rejected raw customer rows as BI tools may see them: the reason, the file and line, the
    non-personal raw fields and masks of the personal ones (the email's domain, the phone's last
    two digits, whether a name was given). The whole raw text is in quarantine.quarantined_customers
    and quarantine.quarantined_lines, which BI tools cannot read.
-#}
{%- set raw_columns = [
    'customer_id',
    'raw_customer_id',
    'raw_signed_up_at',
    'raw_country_code',
    'raw_gender',
    'raw_referred_by_customer_id',
    'raw_updated_at',
] -%}
with

customer_versions as (

    select * from {{ ref('base_raw__customers') }}

),

malformed_lines as (

    select * from {{ ref('base_raw__malformed_lines') }}
    where raw_table = 'raw_customers'

),

rejected_rows as (

    select
        reject_reason,
        source_file,
        cast(null as {{ dbt.type_bigint() }}) as line_number,
        cast(null as {{ dbt.type_string() }}) as malformed_line_error,
        {{ masked_columns(raw_columns) }},
        case
            when has_valid_email then {{ dbt.split_part('email', "'@'", 2) }}
        end as email_domain,
        case
            when {{ dbt.length('phone') }} >= 2 then {{ dbt.right('phone', 2) }}
        end as phone_last_two_digits,
        {{ trim_text('raw_first_name') }} is not null or {{ trim_text('raw_last_name') }} is not null
            as has_name,
        {{ trim_text('raw_birth_date') }} is not null as has_birth_date,
        {{ trim_text('raw_city') }} is not null as has_city,
        {{ trim_text('raw_company_name') }} is not null as has_company_name

    from customer_versions
    where row_outcome = 'rejected'

),

malformed_rows as (

    {{ malformed_line_rows(
        'malformed_lines',
        raw_columns + ['email_domain', 'phone_last_two_digits'],
        flag_columns=['has_name', 'has_birth_date', 'has_city', 'has_company_name'],
    ) }}

),

final as (

    select * from rejected_rows
    union all
    select * from malformed_rows

)

select * from final
