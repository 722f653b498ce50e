{#-
    Rejected raw records counted by table, file, reason and the record's own date (the order or
    sign-up date when it could be read): the figures of a data-quality dashboard, no raw text.
-#}
with

records as (

    select * from {{ ref('int_raw_records_classified') }}

),

final as (

    select
        raw_table,
        source_file,
        reject_reason,
        record_date,
        count(*) as rejected_rows

    from records
    where row_outcome = 'rejected'
    group by raw_table, source_file, reject_reason, record_date

)

select * from final
