{#-
    One row per calendar day, the time spine MetricFlow joins metrics to.
    The range is wide and fixed (2000 to 2050), so it never depends on the data's dates.
-#}
with

days as (

    {{ dbt.date_spine('day', "cast('2000-01-01' as date)", "cast('2051-01-01' as date)") }}

),

final as (

    select cast(date_day as date) as date_day

    from days

)

select * from final
