{#-
    Each customer's lifecycle segment as of every month end up to the as-of date, plus the as-of
    date itself, computed with the same macros as customer_segments (docs/history.md).
    Incremental: a run computes only month ends after the latest stored one and the as-of date;
    the pre-hook first removes the previous run's as-of snapshot when it was not a
    month end, and any snapshot after the current as-of date. On Spark, whose plain tables cannot
    delete rows, it is a table rebuilt in full.
-#}
{{
    config(
        enabled=segmentation_setting('segmentation_using_segment_history'),
        materialized='table' if target.type == 'spark' else 'incremental',
        unique_key=['customer_id', 'as_of_date'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ delete_stale_snapshots(
            'as_of_date', 'select as_of_date from ' ~ ref('int_settings_resolved')
        ) }}",
    )
}}

{#- How far back the month-end spine reaches from the as-of date (100 years). -#}
{%- set max_history_months = 1200 -%}

with

customers as (

    select * from {{ ref('stg_raw__customers') }}

),

purchase_days as (

    select * from {{ ref('int_purchase_days_sequenced') }}

),

settings as (

    select * from {{ ref('int_settings_resolved') }}

),

first_event_dates as (

    select min(signed_up_date) as first_event_date from customers
    union all
    select min(purchase_date) as first_event_date from purchase_days

),

data_start as (

    select min(first_event_date) as first_event_date from first_event_dates

),

month_numbers as (

    {{ dbt.generate_series(max_history_months) }}

),

month_ends as (

    select
        {{
            dbt.last_day(
                dbt.dateadd('month', '1 - month_numbers.generated_number', dbt.date_trunc('month', 'settings.as_of_date')),
                'month'
            )
        }} as as_of_date

    from month_numbers
    cross join settings

),

stored_snapshots as (

    {% if is_incremental() -%}
        select max(as_of_date) as latest_month_end from {{ this }} where is_month_end
    {%- else -%}
        select cast(null as date) as latest_month_end
    {%- endif %}

),

snapshot_dates as (

    select
        month_ends.as_of_date,
        true as is_month_end,
        settings.min_purchase_days_for_own_cycle

    from month_ends
    cross join settings
    cross join data_start
    cross join stored_snapshots
    where
        month_ends.as_of_date < settings.as_of_date
        and month_ends.as_of_date >= data_start.first_event_date
        and (
            stored_snapshots.latest_month_end is null
            or month_ends.as_of_date > stored_snapshots.latest_month_end
        )

    union all

    select
        as_of_date,
        as_of_date = {{ dbt.last_day('as_of_date', 'month') }} as is_month_end,
        min_purchase_days_for_own_cycle

    from settings

),

{{ customer_figures('customers', 'purchase_days', 'snapshot_dates') }},

final as (

    select
        customer_figures.customer_id,
        customer_figures.as_of_date,
        snapshot_dates.is_month_end,
        {{ lifecycle_segment_case('customer_figures') }} as lifecycle_segment,
        customer_figures.order_count,
        customer_figures.purchase_days,
        customer_figures.first_order_date,
        customer_figures.last_order_date,
        customer_figures.days_since_first_order,
        customer_figures.days_since_last_order,
        customer_figures.own_interval_days,
        customer_figures.expected_interval_days,
        customer_figures.baseline_interval_days,
        customer_figures.total_revenue,
        customer_figures.average_order_value

    from customer_figures
    inner join snapshot_dates
        on customer_figures.as_of_date = snapshot_dates.as_of_date

)

select * from final
