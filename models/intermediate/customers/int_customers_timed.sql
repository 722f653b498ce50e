{#-
    Buying timing beside the lifecycle segment (docs/customer-types.md, "Timing"): weekend buyer,
    holiday buyer and anniversary buyer, with the figures behind them. Every figure counts the
    purchase days of int_purchase_days_sequenced (same purchase rule and as-of date as the
    lifecycle). Birth dates are read here and stay here: only counts leave this model.
-#}
{%- set weekend_days = segmentation_setting('weekend_days') -%}

with

customers as (

    select * from {{ ref('int_customers_aggregated') }}

),

profiles as (

    select * from {{ ref('stg_raw__customers') }}

),

purchase_days as (

    select * from {{ ref('int_purchase_days_sequenced') }}

),

holiday_windows as (

    select * from {{ ref('holiday_windows') }}

),

weekend_facts as (

    select
        customer_id,
        sum(
            case
                when {{ iso_day_of_week('purchase_date') }} in ({{ weekend_days | join(', ') }}) then 1
                else 0
            end
        ) as weekend_purchase_days

    from purchase_days
    group by customer_id

),

holiday_days as (

    -- a purchase day inside one or more windows; its year is the year of the occasion
    select
        purchase_days.customer_id,
        purchase_days.purchase_date,
        extract(year from holiday_windows.holiday_date) as holiday_year

    from purchase_days
    inner join holiday_windows
        on
            purchase_days.purchase_date >= holiday_windows.window_start_date
            and purchase_days.purchase_date <= holiday_windows.window_end_date

),

holiday_facts as (

    select
        customer_id,
        count(distinct purchase_date) as holiday_purchase_days,
        count(distinct holiday_year) as holiday_years

    from holiday_days
    group by customer_id

),

anchors as (

    -- the birthday from the first one on, the sign-up anniversary from the first year after it
    select
        customer_id,
        birth_date as anchor_date,
        0 as first_anniversary

    from profiles
    where birth_date is not null

    union all

    select
        customer_id,
        signed_up_date as anchor_date,
        1 as first_anniversary

    from profiles
    where signed_up_date is not null

),

year_offsets as (

    select -1 as year_offset
    union all
    select 0 as year_offset
    union all
    select 1 as year_offset

),

candidate_anniversaries as (

    -- the anniversaries of the year before, of and after each purchase day
    select
        purchase_days.customer_id,
        purchase_days.purchase_date,
        anchors.anchor_date,
        anchors.first_anniversary,
        cast(
            extract(year from purchase_days.purchase_date) - extract(year from anchors.anchor_date)
            + year_offsets.year_offset
            as {{ dbt.type_int() }}
        ) as anniversary_number

    from purchase_days
    inner join anchors
        on purchase_days.customer_id = anchors.customer_id
    cross join year_offsets

),

anniversaries as (

    select
        customer_id,
        purchase_date,
        {{ anniversary_date('anchor_date', 'anniversary_number') }} as anniversary_date

    from candidate_anniversaries
    where anniversary_number >= first_anniversary

),

anniversary_days as (

    select
        customer_id,
        purchase_date,
        anniversary_date

    from anniversaries
    where
        {{ dbt.datediff('anniversary_date', 'purchase_date', 'day') }}
        between -{{ segmentation_setting('anniversary_window_days') }}
        and {{ segmentation_setting('anniversary_window_days') }}

),

anniversary_facts as (

    select
        customer_id,
        count(distinct purchase_date) as anniversary_purchase_days,
        count(distinct extract(year from anniversary_date)) as anniversary_years

    from anniversary_days
    group by customer_id

),

figures as (

    select
        customers.customer_id,
        customers.purchase_days,
        cast(coalesce(weekend_facts.weekend_purchase_days, 0) as {{ dbt.type_bigint() }})
            as weekend_purchase_days,
        cast(coalesce(holiday_facts.holiday_purchase_days, 0) as {{ dbt.type_bigint() }})
            as holiday_purchase_days,
        cast(coalesce(holiday_facts.holiday_years, 0) as {{ dbt.type_bigint() }}) as holiday_years,
        cast(coalesce(anniversary_facts.anniversary_purchase_days, 0) as {{ dbt.type_bigint() }})
            as anniversary_purchase_days,
        cast(coalesce(anniversary_facts.anniversary_years, 0) as {{ dbt.type_bigint() }})
            as anniversary_years

    from customers
    left join weekend_facts
        on customers.customer_id = weekend_facts.customer_id
    left join holiday_facts
        on customers.customer_id = holiday_facts.customer_id
    left join anniversary_facts
        on customers.customer_id = anniversary_facts.customer_id

),

flagged as (

    select
        customer_id,
        weekend_purchase_days,
        cast(weekend_purchase_days as {{ type_double() }}) / nullif(purchase_days, 0)
            as weekend_purchase_day_share,
        (
            purchase_days >= {{ segmentation_setting('weekend_min_purchase_days') }}
            and weekend_purchase_days >= {{ segmentation_setting('weekend_min_share') }} * purchase_days
        ) as is_weekend_buyer,
        holiday_purchase_days,
        cast(holiday_purchase_days as {{ type_double() }}) / nullif(purchase_days, 0)
            as holiday_purchase_day_share,
        holiday_years,
        (
            holiday_purchase_days >= {{ segmentation_setting('holiday_min_share') }} * purchase_days
            and holiday_years >= {{ segmentation_setting('holiday_min_years') }}
        ) as is_holiday_buyer,
        anniversary_purchase_days,
        anniversary_years,
        (
            anniversary_purchase_days >= {{ segmentation_setting('anniversary_min_purchase_days') }}
            and anniversary_purchase_days
            >= {{ segmentation_setting('anniversary_min_share') }} * purchase_days
            and anniversary_years >= {{ segmentation_setting('anniversary_min_years') }}
        ) as is_anniversary_buyer

    from figures

)

select * from flagged
