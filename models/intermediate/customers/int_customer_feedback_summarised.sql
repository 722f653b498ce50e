{#-
    Each customer's feedback answers (the optional raw_feedback table) in the recent windows that
    end on the as-of date (docs/customer-types.md, "Unhappy" and "Advocate"): how many answers and
    how many detractor answers (an NPS, CSAT or review score at or below its var, or a complaint)
    in the last unhappy_window_days days, and whether a promoter answer (NPS or review score at
    or above its var) and a positive review came in the last advocate_window_days days. One row
    per customer with at least one kept answer up to the as-of date; none when the table is absent.
-#}
{%- set unhappy_days = segmentation_setting('unhappy_window_days') -%}
{%- set advocate_days = segmentation_setting('advocate_window_days') -%}

with

feedback as (

    select * from {{ ref('stg_raw__feedback') }}

),

settings as (

    select * from {{ ref('int_settings_resolved') }}

),

judged as (

    select
        feedback.customer_id,
        feedback.answered_date > cast({{ dbt.dateadd('day', -unhappy_days, 'settings.as_of_date') }} as date)
            as is_in_unhappy_window,
        feedback.answered_date > cast({{ dbt.dateadd('day', -advocate_days, 'settings.as_of_date') }} as date)
            as is_in_advocate_window,
        coalesce(
            feedback.kind = 'complaint'
            or (feedback.kind = 'nps' and feedback.score <= {{ segmentation_setting('unhappy_max_nps_score') }})
            or (feedback.kind = 'csat' and feedback.score <= {{ segmentation_setting('unhappy_max_csat_score') }})
            or (feedback.kind = 'review' and feedback.score <= {{ segmentation_setting('unhappy_max_review_score') }}),
            false
        ) as is_detractor_answer,
        coalesce(
            (feedback.kind = 'nps' and feedback.score >= {{ segmentation_setting('advocate_min_nps_score') }})
            or (feedback.kind = 'review' and feedback.score >= {{ segmentation_setting('advocate_min_review_score') }}),
            false
        ) as is_promoter_answer,
        coalesce(
            feedback.kind = 'review' and feedback.score >= {{ segmentation_setting('positive_review_min_score') }},
            false
        ) as is_positive_review

    from feedback
    cross join settings
    where feedback.answered_date <= settings.as_of_date

),

summarised as (

    select
        customer_id,
        sum(case when is_in_unhappy_window then 1 else 0 end) as recent_feedback_answers,
        sum(case when is_in_unhappy_window and is_detractor_answer then 1 else 0 end)
            as recent_detractor_answers,
        max(case when is_in_advocate_window and is_promoter_answer then 1 else 0 end) = 1
            as has_recent_promoter_answer,
        max(case when is_in_advocate_window and is_positive_review then 1 else 0 end) = 1
            as has_recent_positive_review

    from judged
    group by customer_id

)

select * from summarised
