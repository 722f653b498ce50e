{#-
    The malformed lines of the raw CSV files of both tables, with their text: the data-quality
    view of the `malformed_line` rejects. In schema quarantine (the text may hold personal data).
-#}
with

malformed_lines as (

    select * from {{ ref('base_raw__malformed_lines') }}

),

final as (

    select
        raw_table,
        source_file,
        line_number,
        malformed_line_error,
        raw_line

    from malformed_lines

)

select * from final
