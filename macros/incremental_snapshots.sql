{#-
    The pre-hook of the incremental marts of month-end snapshots (customer_segment_history,
    segment_transitions): on an incremental run, removes the stored rows of a snapshot that is not
    a month end (the previous run's as-of date) and those dated after `latest_date_query` (a query
    of one date: the current as-of date), so that the run adds them again from this build's data.
    Nothing on a full build.
-#}
{% macro delete_stale_snapshots(date_column, latest_date_query) -%}
    {%- if is_incremental() %}
        delete from {{ this }}
        where
            not is_month_end
            or {{ date_column }} > ({{ latest_date_query }})
    {%- endif %}
{%- endmacro %}
