{#-
    The playbook with its reach (docs/playbook.md): every play of the seed, how many customers have
    it as their next best action and how many of those may be contacted (its audience size). For
    dashboards and the report; no personal data.
-#}
with

playbook as (

    select * from {{ ref('segment_playbook') }}

),

actions as (

    select * from {{ ref('customer_next_best_actions') }}

),

reach as (

    select
        play_id,
        count(*) as customers,
        sum(case when is_contactable then 1 else 0 end) as audience_customers

    from actions
    group by play_id

),

final as (

    select
        playbook.play_id,
        playbook.segment_kind,
        playbook.segment,
        playbook.priority,
        playbook.goal_en,
        playbook.goal_vi,
        playbook.action_en,
        playbook.action_vi,
        playbook.channel_en,
        playbook.channel_vi,
        playbook.message_theme_en,
        playbook.message_theme_vi,
        playbook.cadence_en,
        playbook.cadence_vi,
        cast(coalesce(reach.customers, 0) as {{ dbt.type_bigint() }}) as customers,
        cast(coalesce(reach.audience_customers, 0) as {{ dbt.type_bigint() }}) as audience_customers

    from playbook
    left join reach
        on playbook.play_id = reach.play_id

)

select * from final
