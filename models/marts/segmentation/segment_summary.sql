{#- customers of each segment who carry a type beside it (docs/customer-types.md): column, flag;
    the counts of the types of optional raw tables are null when the table is absent (every
    flag null) -#}
{%- set type_counts = [
    ('weekend_buyers', 'is_weekend_buyer'),
    ('holiday_buyers', 'is_holiday_buyer'),
    ('anniversary_buyers', 'is_anniversary_buyer'),
    ('suspects', "prospect_type = 'suspect'"),
    ('leads', "prospect_type = 'lead'"),
    ('unhappy_customers', 'is_unhappy'),
] -%}
{%- set optional_type_counts = [
    ('advocates', 'is_advocate', 'optional_tables.has_raw_feedback'),
    ('novices', 'is_novice', 'optional_tables.has_raw_order_items and optional_tables.has_raw_products'),
] -%}

with

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

segments as (

    {% for segment in lifecycle_segments() -%}
        select
            '{{ segment }}' as lifecycle_segment,
            {{ loop.index }} as segment_order
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

segment_totals as (

    select
        lifecycle_segment,
        count(*) as customers,
        cast(sum(order_count) as {{ dbt.type_bigint() }}) as orders,
        {%- for column, flag in type_counts %}
            cast(sum(case when {{ flag }} then 1 else 0 end) as {{ dbt.type_bigint() }}) as {{ column }},
        {%- endfor %}
        {%- for column, flag, present in optional_type_counts %}
            cast(sum(case when {{ flag }} then 1 else 0 end) as {{ dbt.type_bigint() }}) as {{ column }},
        {%- endfor %}
        sum(total_revenue) as total_revenue

    from customer_segments
    group by lifecycle_segment

),

optional_tables as (

    select * from {{ ref('stg_raw__optional_tables') }}

),

as_of as (

    select max(as_of_date) as as_of_date from customer_segments

),

shares as (

    select
        segments.lifecycle_segment,
        segments.segment_order,
        coalesce(segment_totals.customers, 0) as customers,
        coalesce(
            cast(segment_totals.customers as {{ type_double() }})
            / nullif(sum(segment_totals.customers) over (), 0),
            0
        ) as customer_share,
        coalesce(segment_totals.orders, 0) as orders,
        cast(coalesce(segment_totals.total_revenue, 0) as decimal(18, 2)) as total_revenue,
        coalesce(
            cast(segment_totals.total_revenue as {{ type_double() }})
            / nullif(sum(segment_totals.total_revenue) over (), 0),
            0
        ) as revenue_share,
        cast(segment_totals.total_revenue / segment_totals.customers as decimal(18, 2))
            as revenue_per_customer,
        {%- for column, flag in type_counts %}
            coalesce(segment_totals.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        {%- for column, flag, present in optional_type_counts %}
            case when {{ present }} then coalesce(segment_totals.{{ column }}, 0) end as {{ column }},
        {%- endfor %}
        as_of.as_of_date

    from segments
    cross join as_of
    cross join optional_tables
    left join segment_totals
        on segments.lifecycle_segment = segment_totals.lifecycle_segment

)

select * from shares
