{{ config(enabled=var('use_sample_data', false) is sameas true and not var('raw_dir', none)) }}
{#-
    The bundled sample is a demonstration: it shows every label of customer_segments at least
    once (every lifecycle and RFM segment, score, value tier, overlay value, age band, region,
    customer type of docs/customer-types.md and basis of unhappiness, and a top category).
    Returns a row per label no customer has. Only when the sample is read (use_sample_data),
    not on raw tables or raw files.
-#}
{%- set fixed_labels = {
    'lifecycle_segment': lifecycle_segments(),
    'r_score': ['1', '2', '3', '4', '5'],
    'f_score': ['1', '2', '3', '4', '5'],
    'm_score': ['1', '2', '3', '4', '5'],
    'value_tier': ['vip', 'high', 'medium', 'low', 'none'],
    'preferred_channel': known_order_channels() + ['unknown', 'none'],
    'age_band': age_bands() | map(attribute=0) | list + ['unknown'],
    'prospect_type': ['lead', 'suspect', 'prospect'],
    'unhappy_basis': ['feedback', 'returns'],
} -%}
{%- set flags = [
    'is_vip', 'is_bargain_hunter', 'is_seasonal', 'is_omnichannel', 'is_re_engaged',
    'is_infrequent', 'is_b2b', 'is_referrer', 'is_weekend_buyer', 'is_holiday_buyer',
    'is_anniversary_buyer', 'is_unhappy', 'is_advocate', 'is_novice',
] -%}

with

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

expected_labels as (

    {% for column, labels in fixed_labels.items() -%}
        {%- for label in labels %}
            select
                '{{ column }}' as label_column,
                '{{ label }}' as label_value
            union all
        {%- endfor %}
    {% endfor -%}
    {%- for flag in flags %}
        select
            '{{ flag }}' as label_column,
            'true' as label_value
        union all
        select
            '{{ flag }}' as label_column,
            'false' as label_value
        union all
    {%- endfor %}
    select distinct
        'rfm_segment' as label_column,
        rfm_segment as label_value
    from {{ ref('rfm_segment_map') }}
    union all
    select distinct
        'region' as label_column,
        region as label_value
    from {{ ref('country_regions') }}
    union all
    select
        'region' as label_column,
        'unknown' as label_value
    union all
    select distinct
        'subregion' as label_column,
        subregion as label_value
    from {{ ref('subregions') }}

),

shown_labels as (

    {% for column in fixed_labels.keys() | list + flags + ['rfm_segment', 'region', 'subregion'] -%}
        select distinct
            '{{ column }}' as label_column,
            cast({{ column }} as {{ dbt.type_string() }}) as label_value
        from customer_segments
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

missing_labels as (

    select expected_labels.*

    from expected_labels
    left join shown_labels
        on
            expected_labels.label_column = shown_labels.label_column
            and expected_labels.label_value = shown_labels.label_value
    where shown_labels.label_value is null

),

missing_top_category as (

    select
        'top_category' as label_column,
        'any category' as label_value
    where not exists (
        select 1 from customer_segments
        where top_category is not null
    )

)

select * from missing_labels
union all
select * from missing_top_category
