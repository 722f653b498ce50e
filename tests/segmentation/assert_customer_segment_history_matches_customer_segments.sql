{{ config(enabled=segmentation_setting('segmentation_using_segment_history')) }}
-- The history's snapshot at the build's as-of date is customer_segments, row for row and
-- column for column (both come from the customer_figures and lifecycle_segment_case macros).
-- Returns the key of every row found on one side only, with the side it was found on.
with

settings as (

    select * from {{ ref('int_settings_resolved') }}

),

history_at_as_of_date as (

    select
        history.customer_id,
        history.as_of_date,
        history.lifecycle_segment,
        history.order_count,
        history.purchase_days,
        history.first_order_date,
        history.last_order_date,
        history.days_since_first_order,
        history.days_since_last_order,
        history.own_interval_days,
        history.expected_interval_days,
        history.baseline_interval_days,
        history.total_revenue,
        history.average_order_value

    from {{ ref('customer_segment_history') }} as history
    inner join settings
        on history.as_of_date = settings.as_of_date

),

segments as (

    select
        customer_id,
        as_of_date,
        lifecycle_segment,
        order_count,
        purchase_days,
        first_order_date,
        last_order_date,
        days_since_first_order,
        days_since_last_order,
        own_interval_days,
        expected_interval_days,
        baseline_interval_days,
        total_revenue,
        average_order_value

    from {{ ref('customer_segments') }}

),

only_in_history as (

    select * from history_at_as_of_date
    except
    select * from segments

),

only_in_segments as (

    select * from segments
    except
    select * from history_at_as_of_date

),

differences as (

    select
        'customer_segment_history' as found_only_in,
        customer_id,
        as_of_date,
        lifecycle_segment
    from only_in_history
    union all
    select
        'customer_segments' as found_only_in,
        customer_id,
        as_of_date,
        lifecycle_segment
    from only_in_segments

)

select * from differences
