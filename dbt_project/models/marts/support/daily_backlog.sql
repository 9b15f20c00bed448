{#-
    One row per day from the first submission (or earlier lifecycle change) to as_of_time(): tickets created, answered by the
    pipeline, solved and reopened that day, and the open backlog at the end of the day, by
    priority. A ticket is open from its submission until a resolution, and again from a
    reopen; only changes of that state move the backlog, so a repeated resolution (an anomaly
    of fct_ticket_milestones) is not counted twice. A ticket without lifecycle events stays open.
-#}
with

tickets as (

    select * from {{ ref('stg_tickets') }}

),

milestones as (

    select * from {{ ref('fct_ticket_milestones') }}

),

calendar as (

    select * from {{ ref('int_business_calendar') }}

),

state_events as (

    select
        milestones.ticket_id,
        tickets.priority,
        milestones.occurred_date,
        case milestones.milestone when 'RESOLVED' then 'closed' else 'open' end as state_after,
        -- no default argument: Redshift's lag() takes none; a ticket starts open
        coalesce(
            lag(case milestones.milestone when 'RESOLVED' then 'closed' else 'open' end) over (
                partition by milestones.ticket_id
                order by milestones.occurred_at, milestones.stage_order, milestones.event_id
            ),
            'open'
        ) as state_before

    from milestones

    inner join tickets
        on milestones.ticket_id = tickets.ticket_id

    where milestones.milestone in ('RESOLVED', 'REOPENED')

),

changes as (

    select
        submitted_date as activity_date,
        priority,
        1 as created,
        0 as answered,
        0 as solved,
        0 as reopened

    from tickets

    union all

    select
        cast(processed_at as date) as activity_date,
        priority,
        0 as created,
        1 as answered,
        0 as solved,
        0 as reopened

    from tickets

    where processed_at is not null

    union all

    select
        occurred_date as activity_date,
        priority,
        0 as created,
        0 as answered,
        case when state_after = 'closed' then 1 else 0 end as solved,
        case when state_after = 'open' then 1 else 0 end as reopened

    from state_events

    where state_after <> state_before

),

daily_changes as (

    select
        activity_date,
        {%- for priority in ['high', 'medium', 'normal'] %}
            sum(
                case when priority = '{{ priority | upper }}' then created - solved + reopened else 0 end
            ) as net_{{ priority }},
        {%- endfor %}
        sum(created) as created_count,
        sum(answered) as answered_count,
        sum(solved) as solved_count,
        sum(reopened) as reopened_count

    from changes

    group by activity_date

),

days as (

    select
        calendar.calendar_date as backlog_date,
        calendar.is_business_day

    from calendar

    where
        calendar.calendar_date >= (select min(changes.activity_date) from changes)
        and calendar.calendar_date <= cast({{ as_of_time() }} as date)

),

backlog as (

    select
        days.backlog_date,
        days.is_business_day,
        cast(coalesce(daily_changes.created_count, 0) as {{ dbt.type_bigint() }}) as created_count,
        cast(coalesce(daily_changes.answered_count, 0) as {{ dbt.type_bigint() }}) as answered_count,
        cast(coalesce(daily_changes.solved_count, 0) as {{ dbt.type_bigint() }}) as solved_count,
        cast(coalesce(daily_changes.reopened_count, 0) as {{ dbt.type_bigint() }}) as reopened_count,
        {%- for priority in ['high', 'medium', 'normal'] %}
            cast(
                sum(coalesce(daily_changes.net_{{ priority }}, 0)) over (
                    order by days.backlog_date rows between unbounded preceding and current row
                ) as {{ dbt.type_bigint() }}
            ) as open_{{ priority }}_count,
        {%- endfor %}
        cast(
            sum(
                coalesce(daily_changes.net_high, 0)
                + coalesce(daily_changes.net_medium, 0)
                + coalesce(daily_changes.net_normal, 0)
            ) over (
                order by days.backlog_date rows between unbounded preceding and current row
            ) as {{ dbt.type_bigint() }}
        ) as open_count

    from days

    left join daily_changes
        on days.backlog_date = daily_changes.activity_date

)

select * from backlog
