{#-
    The current contact list of every play (docs/playbook.md, "Audiences"): each contactable
    customer once, in the list of their next best action, with the contact details a marketing
    tool imports. Only valid emails and phones are given (an invalid one is left empty). Personal
    data: schema audiences only, never published, no grant to the BI role.
-#}
with

actions as (

    select * from {{ ref('customer_next_best_actions') }}

),

customers as (

    select * from {{ ref('stg_raw__customers') }}

),

members as (

    select
        actions.customer_id,
        actions.play_id,
        actions.segment_kind,
        actions.segment,
        actions.priority,
        actions.play_reason,
        customers.first_name,
        customers.last_name,
        customers.country_code,
        actions.as_of_date,
        case when customers.has_valid_email then customers.email end as email,
        case when customers.has_valid_phone then customers.phone end as phone

    from actions
    inner join customers
        on actions.customer_id = customers.customer_id
    where actions.is_contactable

)

select * from members
