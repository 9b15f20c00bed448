{#-
    The tickets as they stand now, counted by help-desk status, priority and team: one row per
    combination that has tickets, with the age of its oldest and median ticket at as_of_time().
    A ticket without lifecycle events is `new`. The team is the one holding the ticket (latest
    assignment or reassignment), else the team owning its product.
-#}
with

tickets as (

    select * from {{ ref('stg_tickets') }}

),

lifecycle as (

    select * from {{ ref('ticket_current_state') }}

),

product_teams as (

    select * from {{ ref('product_teams') }}

),

current_tickets as (

    select
        tickets.ticket_id,
        tickets.priority,
        tickets.submitted_at,
        coalesce(lifecycle.helpdesk_status, 'new') as helpdesk_status,
        coalesce(lifecycle.current_team, product_teams.team, 'general support') as team,
        {{ minutes_between('tickets.submitted_at', as_of_time()) }} as age_minutes

    from tickets

    left join lifecycle
        on tickets.ticket_id = lifecycle.ticket_id

    left join product_teams
        on tickets.product = product_teams.product

),

counted as (

    select
        helpdesk_status,
        priority,
        team,
        count(*) as ticket_count,
        min(submitted_at) as oldest_submitted_at,
        {{ median('age_minutes') }} / 60.0 as median_age_hours

    from current_tickets

    group by helpdesk_status, priority, team

),

final as (

    select

        ----------  dimensions
        helpdesk_status,
        helpdesk_status <> 'solved' as is_backlog,
        priority,
        team,

        ----------  counts
        cast(ticket_count as {{ dbt.type_bigint() }}) as ticket_count,
        oldest_submitted_at,
        cast(median_age_hours as double precision) as median_age_hours,

        ----------  as of
        {{ as_of_time() }} as as_of

    from counted

)

select * from final
