-- The RFM segment map names every code 111..555 exactly once and nothing else.
-- Returns a row per code that is missing, listed more than once, or not a code at all.
with

scores as (

    select 1 as score
    union all
    select 2 as score
    union all
    select 3 as score
    union all
    select 4 as score
    union all
    select 5 as score

),

every_code as (

    select
        recency.score as r_score,
        frequency.score as f_score,
        monetary.score as m_score

    from scores as recency
    cross join scores as frequency
    cross join scores as monetary

),

mapped_codes as (

    select
        r_score,
        f_score,
        m_score,
        count(*) as times_listed

    from {{ ref('rfm_segment_map') }}
    group by r_score, f_score, m_score

),

compared as (

    select
        coalesce(every_code.r_score, mapped_codes.r_score) as r_score,
        coalesce(every_code.f_score, mapped_codes.f_score) as f_score,
        coalesce(every_code.m_score, mapped_codes.m_score) as m_score,
        every_code.r_score is not null as is_a_code,
        coalesce(mapped_codes.times_listed, 0) as times_listed

    from every_code
    full outer join mapped_codes
        on
            every_code.r_score = mapped_codes.r_score
            and every_code.f_score = mapped_codes.f_score
            and every_code.m_score = mapped_codes.m_score

)

select * from compared
where not is_a_code or times_listed != 1
