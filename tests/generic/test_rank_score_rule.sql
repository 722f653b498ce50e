{#-
    A 1..`buckets` score of `input` among the rows where `where_condition` holds, restated from
    cumulative counts: a row scores 1 + floor(buckets × (rows with a strictly worse input) / rows),
    where worse means smaller (larger when `descending`). Fails for every row whose score differs,
    and for every row outside `where_condition` that has a score.
-#}
{% test rank_score_rule(model, column_name, input, where_condition, descending=false, buckets=5) %}

with

scored_rows as (

    select * from {{ model }}
    where {{ where_condition }}

),

value_counts as (

    select
        {{ input }} as input_value,
        count(*) as rows_with_value

    from scored_rows
    group by {{ input }}

),

worse_counts as (

    select
        input_value,
        coalesce(
            sum(rows_with_value) over (
                order by input_value {{ 'desc' if descending else 'asc' }}
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as worse_rows,
        sum(rows_with_value) over () as all_rows

    from value_counts

),

expected as (

    select
        scored_rows.*,
        1 + floor(
            {{ buckets }} * cast(worse_counts.worse_rows as {{ type_double() }}) / worse_counts.all_rows
        ) as expected_score

    from scored_rows
    inner join worse_counts
        on scored_rows.{{ input }} = worse_counts.input_value

),

unscored_rows as (

    select
        *,
        cast(null as {{ type_double() }}) as expected_score

    from {{ model }}
    where not coalesce({{ where_condition }}, false)

)

select * from expected
where {{ column_name }} is null or {{ column_name }} != expected_score

union all

select * from unscored_rows
where {{ column_name }} is not null

{% endtest %}
