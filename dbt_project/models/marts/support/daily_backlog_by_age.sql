{#-
    The open backlog at the end of each day by the team holding the tickets, their priority and
    their age since submission, with the help-desk status counts (new, open, pending, on_hold).

    A ticket's state at the end of a day is the state after its last event dated that day or
    earlier (help-desk status: helpdesk_status_rule; team: the latest ASSIGNED / REASSIGNED, else
    the team owning the product). A day's state holds until the ticket's next day with events,
    so each ticket contributes one interval of days per state: the days join those intervals
    (one range join over open states only). A ticket is in the backlog on the days from its
    submission while its status is not solved; its age is measured at the end of the day, or at
    as_of_time() on the as-of date.
-#}
with

tickets as (

    select * from {{ ref('stg_tickets') }}

),

milestones as (

    select * from {{ ref('fct_ticket_milestones') }}

),

events as (

    select * from {{ ref('stg_ticket_events') }}

),

product_teams as (

    select * from {{ ref('product_teams') }}

),

calendar as (

    select * from {{ ref('int_business_calendar') }}

),

state_events as (

    -- the events that set the help-desk status or the team holding the ticket
    select
        milestones.ticket_id,
        milestones.occurred_date,
        milestones.milestone_number,
        {{ helpdesk_status_set('milestones.milestone', 'events.helpdesk_status') }} as status_set,
        case when milestones.milestone in ('ASSIGNED', 'REASSIGNED') then milestones.team end as team_set

    from milestones

    left join events
        on milestones.event_id = events.event_id

    where milestones.milestone in ('ASSIGNED', 'REASSIGNED', 'REOPENED', 'RESOLVED', 'STATUS_CHANGED')

),

grouped as (

    -- a group: an event that sets the value and the later events that keep it
    select
        state_events.*,
        sum(case when state_events.status_set is not null then 1 else 0 end) over (
            partition by state_events.ticket_id
            order by state_events.milestone_number
            rows between unbounded preceding and current row
        ) as status_group,
        sum(case when state_events.team_set is not null then 1 else 0 end) over (
            partition by state_events.ticket_id
            order by state_events.milestone_number
            rows between unbounded preceding and current row
        ) as team_group,
        row_number() over (
            partition by state_events.ticket_id, state_events.occurred_date
            order by state_events.milestone_number desc
        ) as recency_in_day

    from state_events

),

event_states as (

    select
        grouped.ticket_id,
        grouped.occurred_date,
        grouped.recency_in_day,
        coalesce(max(grouped.status_set) over (partition by grouped.ticket_id, grouped.status_group), 'new')
            as helpdesk_status,
        max(grouped.team_set) over (partition by grouped.ticket_id, grouped.team_group) as held_by_team

    from grouped

),

day_end_states as (

    -- the submission day starts `new`; a day with events ends in the state after its last one
    select
        ticket_id,
        submitted_date as state_date,
        'new' as helpdesk_status,
        cast(null as {{ dbt.type_string() }}) as held_by_team,
        0 as precedence

    from tickets

    union all

    select
        ticket_id,
        occurred_date as state_date,
        helpdesk_status,
        held_by_team,
        1 as precedence

    from event_states

    where recency_in_day = 1

),

ranked_states as (

    -- of the submission day's `new` and the state after that day's events, the latter wins
    select
        day_end_states.*,
        row_number() over (
            partition by day_end_states.ticket_id, day_end_states.state_date
            order by day_end_states.precedence desc
        ) as precedence_rank

    from day_end_states

),

state_intervals as (

    -- a day's state holds until the ticket's next state day (exclusive)
    select
        ticket_id,
        helpdesk_status,
        held_by_team,
        state_date as valid_from,
        lead(state_date) over (partition by ticket_id order by state_date) as valid_until

    from ranked_states

    where precedence_rank = 1

),

days as (

    select
        calendar.calendar_date as backlog_date,
        calendar.is_business_day

    from calendar

    where
        calendar.calendar_date >= (select min(tickets.submitted_date) from tickets)
        and calendar.calendar_date <= cast({{ as_of_time() }} as date)

),

open_days as (

    select
        days.backlog_date,
        days.is_business_day,
        tickets.ticket_id,
        tickets.priority,
        state_intervals.helpdesk_status,
        coalesce(state_intervals.held_by_team, product_teams.team, 'general support') as team,
        {{ minutes_between(
            'tickets.submitted_at',
            'least(' ~ dbt.dateadd('day', 1, 'cast(days.backlog_date as ' ~ dbt.type_timestamp() ~ ')')
            ~ ', ' ~ as_of_time() ~ ')'
        ) }} as age_minutes

    from state_intervals

    inner join tickets
        on state_intervals.ticket_id = tickets.ticket_id

    inner join days
        on
            state_intervals.valid_from <= days.backlog_date
            and (state_intervals.valid_until is null or state_intervals.valid_until > days.backlog_date)
            and tickets.submitted_date <= days.backlog_date

    left join product_teams
        on tickets.product = product_teams.product

    where state_intervals.helpdesk_status <> 'solved'

),

bucketed as (

    select
        open_days.*,
        case
            when open_days.age_minutes < 1 * 1440 then 1
            when open_days.age_minutes < 3 * 1440 then 2
            when open_days.age_minutes < 7 * 1440 then 3
            when open_days.age_minutes < 14 * 1440 then 4
            else 5
        end as age_bucket_order

    from open_days

),

final as (

    select

        ----------  grain
        backlog_date,
        team,
        priority,
        case age_bucket_order
            when 1 then '<1d'
            when 2 then '1-3d'
            when 3 then '3-7d'
            when 4 then '7-14d'
            else '>14d'
        end as age_bucket,
        age_bucket_order,
        is_business_day,

        ----------  backlog at the end of the day
        cast(count(*) as {{ dbt.type_bigint() }}) as backlog_count,
        {%- for status in ['new', 'open', 'pending', 'on_hold'] %}
            cast(sum(case when helpdesk_status = '{{ status }}' then 1 else 0 end) as {{ dbt.type_bigint() }})
                as status_{{ status }}_count,
        {%- endfor %}
        cast(max(age_minutes) / 1440.0 as double precision) as oldest_age_days

    from bucketed

    group by backlog_date, team, priority, age_bucket_order, is_business_day

)

select * from final
