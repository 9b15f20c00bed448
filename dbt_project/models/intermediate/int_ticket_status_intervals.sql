{#-
    One row per status interval of a ticket: the help-desk status (new, open, pending, on_hold,
    solved) from the event that set it to the next event that changed it, or to as_of_time()
    for the ticket's current status, with its calendar and business minutes.

    Status after each event, in the ticket's event order (occurred_at, stage_order, event_id,
    as fct_ticket_milestones): ASSIGNED and REOPENED -> open; STATUS_CHANGED -> its
    helpdesk_status (open, pending, on_hold); RESOLVED -> solved; every other event keeps the
    status, which is `new` before the first of these. Consecutive events with the same status
    make one interval (a status change to the status the ticket already has starts nothing).
-#}

with

events as (

    select * from {{ ref('stg_ticket_events') }}

),

rules as (

    select * from {{ ref('lifecycle_milestones') }}

),

calendar as (

    select * from {{ ref('int_business_calendar') }}

),

ordered as (

    select
        events.event_id,
        events.ticket_id,
        events.milestone,
        events.occurred_at,
        events.agent,
        events.team,
        events.loaded_at,
        {{ helpdesk_status_set('events.milestone', 'events.helpdesk_status') }} as status_set,
        row_number() over (
            partition by events.ticket_id
            order by events.occurred_at, rules.stage_order, events.event_id
        ) as event_number

    from events

    left join rules
        on events.milestone = rules.milestone

),

grouped as (

    -- a status group: an event that sets the status and the events after it that keep it;
    -- the same for the ticket's owner (the last ASSIGNED / REASSIGNED)
    select
        ordered.*,
        sum(case when ordered.status_set is not null then 1 else 0 end) over (
            partition by ordered.ticket_id
            order by ordered.event_number
            rows between unbounded preceding and current row
        ) as status_group,
        sum(case when ordered.milestone in ('ASSIGNED', 'REASSIGNED') then 1 else 0 end) over (
            partition by ordered.ticket_id
            order by ordered.event_number
            rows between unbounded preceding and current row
        ) as owner_group,
        max(ordered.loaded_at) over (partition by ordered.ticket_id) as ticket_last_loaded_at

    from ordered

),

statuses as (

    select
        grouped.*,
        coalesce(
            max(grouped.status_set) over (partition by grouped.ticket_id, grouped.status_group),
            'new'
        ) as status,
        max(case when grouped.milestone in ('ASSIGNED', 'REASSIGNED') then grouped.team end) over (
            partition by grouped.ticket_id, grouped.owner_group
        ) as owner_team,
        max(case when grouped.milestone in ('ASSIGNED', 'REASSIGNED') then grouped.agent end) over (
            partition by grouped.ticket_id, grouped.owner_group
        ) as owner_agent

    from grouped

),

changes as (

    select
        statuses.*,
        lag(statuses.status) over (
            partition by statuses.ticket_id order by statuses.event_number
        ) as previous_status

    from statuses

),

intervals as (

    -- the events where the status changed (the ticket's first event starts its first interval)
    select
        ticket_id,
        event_id as started_by_event_id,
        milestone as started_by_milestone,
        status,
        previous_status,
        occurred_at as started_at,
        owner_team,
        owner_agent,
        ticket_last_loaded_at,
        row_number() over (partition by ticket_id order by event_number) as interval_number,
        lead(occurred_at) over (partition by ticket_id order by event_number) as ended_at,
        lead(milestone) over (partition by ticket_id order by event_number) as ended_by_milestone

    from changes

    where previous_status is null or previous_status <> status

),

measured as (

    select
        intervals.*,
        intervals.ended_at is null as is_current,
        -- the current interval runs to as_of (never before its own start)
        case
            when intervals.ended_at is not null then intervals.ended_at
            when {{ as_of_time() }} > intervals.started_at then {{ as_of_time() }}
            else intervals.started_at
        end as measured_until

    from intervals

),

local_times as (

    select
        measured.*,
        {{ to_business_time('measured.started_at') }} as local_started_at,
        {{ to_business_time('measured.measured_until') }} as local_measured_until

    from measured

),

business_offsets as (

    select
        local_times.*,
        {{ business_minute_offset('local_times.local_started_at', 'start_day') }} as started_business_offset,
        {{ business_minute_offset('local_times.local_measured_until', 'until_day') }} as until_business_offset

    from local_times

    left join calendar as start_day
        on cast(local_times.local_started_at as date) = start_day.calendar_date

    left join calendar as until_day
        on cast(local_times.local_measured_until as date) = until_day.calendar_date

),

final as (

    select

        ----------  ids
        ticket_id || ':' || cast(interval_number as {{ dbt.type_string() }}) as status_interval_id,
        ticket_id,
        interval_number,

        ----------  status
        status,
        previous_status,
        is_current,
        owner_team,
        owner_agent,

        ----------  interval
        started_at,
        started_by_event_id,
        started_by_milestone,
        ended_at,
        ended_by_milestone,
        measured_until,
        {{ minutes_between('started_at', 'measured_until') }} as calendar_minutes,
        {{ business_minutes_between('started_business_offset', 'until_business_offset') }} as business_minutes,

        ----------  provenance
        ticket_last_loaded_at

    from business_offsets

)

select * from final
