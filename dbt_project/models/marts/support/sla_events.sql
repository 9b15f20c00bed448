{#-
    One row per ticket and SLA metric of sla_policies (seed), and for `next_reply` per
    occurrence: when the clock started and stopped, when it is due, the elapsed calendar and
    business minutes, and whether the target was breached. An open clock (not yet achieved) is
    measured up to as_of_time(), and re-measured on every build. Incremental: re-builds tickets
    that were (re)loaded, whose lifecycle changed, or that still have an open clock.

    Clocks:
      first_response     submission -> the AI draft (RESPONSE_GENERATED, else processed_at)
      resolution         submission -> the final resolution (resolved_at of ticket_current_state)
      agent_first_reply  submission -> the first AGENT_REPLIED, or a RESOLVED before any
      next_reply         a REQUESTER_REPLIED after an agent's reply or a solve -> the next
                         AGENT_REPLIED or RESOLVED (one row per occurrence)
      requester_wait     submission -> the final resolution, counting only the time in the
                         statuses new, open and on_hold (paused while pending), from
                         int_ticket_status_intervals
    A policy applies to the tickets submitted on or after its `effective_from`.

    Business minutes are the overlap of [started_at, measured_until], in the business_timezone's
    wall-clock time, with the business hours of int_business_calendar: the difference of the
    calendar's running total of business minutes at the two ends (equi-joins, no range join).
-#}
{{
    config(
        materialized='incremental',
        unique_key='ticket_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

tickets as (

    select * from {{ ref('stg_tickets') }}

),

lifecycle as (

    select * from {{ ref('ticket_current_state') }}

),

milestones as (

    select * from {{ ref('fct_ticket_milestones') }}

),

policies as (

    select * from {{ ref('sla_policies') }}

),

calendar as (

    select * from {{ ref('int_business_calendar') }}

),

status_intervals as (

    select * from {{ ref('int_ticket_status_intervals') }}

),

{% if is_incremental() %}

    changed_tickets as (

        select ticket_id
        from tickets
        where {{ incremental_filter('partition_date', 'loaded_at', 'ticket_loaded_at') }}

        union all

        select ticket_id
        from lifecycle
        where {{ loaded_since('last_loaded_at', 'lifecycle_loaded_at') }}

        union all

        -- open clocks keep running: re-measure them
        select ticket_id
        from {{ this }}
        where not is_achieved

        {%- if not relation_has_column(this, 'breach_minutes') %}

            union all

            -- built before the conversation metrics and due times: re-build every ticket
            select ticket_id
            from tickets
        {%- endif %}

    ),

    scoped_tickets as (

        select *
        from tickets
        where ticket_id in (select changed_tickets.ticket_id from changed_tickets)

    ),

{% else %}

    scoped_tickets as (

        select * from tickets

    ),

{% endif %}

conversation as (

    -- the events that start or stop a reply clock, in the ticket's event order
    select
        milestones.ticket_id,
        milestones.milestone,
        milestones.milestone_number,
        milestones.occurred_at,
        lag(milestones.milestone) over (
            partition by milestones.ticket_id order by milestones.milestone_number
        ) as previous_milestone,
        -- the next agent reply or solve after this event
        min(
            case when milestones.milestone in ('AGENT_REPLIED', 'RESOLVED') then milestones.milestone_number end
        ) over (
            partition by milestones.ticket_id
            order by milestones.milestone_number
            rows between 1 following and unbounded following
        ) as next_stop_number

    from milestones

    where
        milestones.milestone in ('AGENT_REPLIED', 'REQUESTER_REPLIED', 'RESOLVED')
        and milestones.ticket_id in (select scoped_tickets.ticket_id from scoped_tickets)

),

first_replies as (

    -- the ticket's first agent reply, or its first solve when that came before any reply
    select
        ticket_id,
        min(milestone_number) as stop_number

    from conversation

    where milestone in ('AGENT_REPLIED', 'RESOLVED')

    group by ticket_id

),

next_reply_starts as (

    -- a requester reply after an agent's reply or a solve starts a next-reply clock; further
    -- requester replies before the agent answers do not restart it
    select
        ticket_id,
        occurred_at as started_at,
        next_stop_number,
        row_number() over (partition by ticket_id order by milestone_number) as occurrence_number

    from conversation

    where
        milestone = 'REQUESTER_REPLIED'
        and previous_milestone in ('AGENT_REPLIED', 'RESOLVED')

),

stops as (

    select * from conversation
    where milestone in ('AGENT_REPLIED', 'RESOLVED')

),

clock_starts as (

    -- one row per clock: its start, its stop (null while it runs) and what stopped it
    select
        scoped_tickets.ticket_id,
        'first_response' as metric,
        1 as occurrence_number,
        scoped_tickets.submitted_at as started_at,
        -- the response event when the lifecycle has it, else the pipeline's processed_at
        coalesce(lifecycle.first_response_at, scoped_tickets.processed_at) as achieved_at,
        case
            when lifecycle.first_response_at is not null then 'RESPONSE_GENERATED'
            when scoped_tickets.processed_at is not null then 'PROCESSED'
        end as achieved_by

    from scoped_tickets

    left join lifecycle
        on scoped_tickets.ticket_id = lifecycle.ticket_id

    union all

    {%- for metric in ['resolution', 'requester_wait'] %}

        select
            scoped_tickets.ticket_id,
            '{{ metric }}' as metric,
            1 as occurrence_number,
            scoped_tickets.submitted_at as started_at,
            lifecycle.resolved_at as achieved_at,
            case when lifecycle.resolved_at is not null then 'RESOLVED' end as achieved_by

        from scoped_tickets

        left join lifecycle
            on scoped_tickets.ticket_id = lifecycle.ticket_id

        union all
    {%- endfor %}

    select
        scoped_tickets.ticket_id,
        'agent_first_reply' as metric,
        1 as occurrence_number,
        scoped_tickets.submitted_at as started_at,
        stops.occurred_at as achieved_at,
        stops.milestone as achieved_by

    from scoped_tickets

    left join first_replies
        on scoped_tickets.ticket_id = first_replies.ticket_id

    left join stops
        on
            first_replies.ticket_id = stops.ticket_id
            and first_replies.stop_number = stops.milestone_number

    union all

    select
        next_reply_starts.ticket_id,
        'next_reply' as metric,
        next_reply_starts.occurrence_number,
        next_reply_starts.started_at,
        stops.occurred_at as achieved_at,
        stops.milestone as achieved_by

    from next_reply_starts

    left join stops
        on
            next_reply_starts.ticket_id = stops.ticket_id
            and next_reply_starts.next_stop_number = stops.milestone_number

),

clocks as (

    select
        clock_starts.ticket_id,
        scoped_tickets.priority,
        clock_starts.metric,
        clock_starts.occurrence_number,
        policies.clock,
        policies.target_minutes,
        clock_starts.started_at,
        clock_starts.achieved_at,
        clock_starts.achieved_by,
        scoped_tickets.loaded_at as ticket_loaded_at,
        lifecycle.last_loaded_at as lifecycle_loaded_at,
        clock_starts.ticket_id || ':' || clock_starts.metric
        || case
            when clock_starts.metric = 'next_reply'
                then ':' || cast(clock_starts.occurrence_number as {{ dbt.type_string() }})
            else ''
        end as sla_event_id

    from clock_starts

    inner join scoped_tickets
        on clock_starts.ticket_id = scoped_tickets.ticket_id

    inner join policies
        on
            scoped_tickets.priority = policies.priority
            and clock_starts.metric = policies.metric
            and scoped_tickets.submitted_at >= cast(policies.effective_from as {{ dbt.type_timestamp() }})

    left join lifecycle
        on clock_starts.ticket_id = lifecycle.ticket_id

),

measured as (

    select
        clocks.*,
        clocks.achieved_at is not null as is_achieved,
        coalesce(clocks.achieved_at, {{ as_of_time() }}) as measured_until

    from clocks

),

local_times as (

    select
        sla_event_id,
        {{ to_business_time('started_at') }} as local_started_at,
        {{ to_business_time('measured_until') }} as local_measured_until

    from measured

),

business_offsets as (

    -- business minutes from the calendar's start up to each end of the clock
    select
        local_times.sla_event_id,
        {{ business_minute_offset('local_times.local_started_at', 'start_day') }} as start_day_offset,
        {{ business_minute_offset('local_times.local_measured_until', 'until_day') }} as until_day_offset

    from local_times

    inner join calendar as start_day
        on cast(local_times.local_started_at as date) = start_day.calendar_date

    inner join calendar as until_day
        on cast(local_times.local_measured_until as date) = until_day.calendar_date

),

wait_intervals as (

    -- requester_wait: the ticket's intervals in the statuses the requester waits in (pending
    -- pauses the clock), with the wait accumulated before each on the policy's clock
    select
        status_intervals.ticket_id,
        status_intervals.interval_number,
        status_intervals.is_current,
        status_intervals.started_at,
        status_intervals.calendar_minutes,
        status_intervals.business_minutes,
        clocks.clock,
        clocks.target_minutes,
        status_intervals.status in ('new', 'open', 'on_hold') as is_waiting,
        coalesce(
            sum(
                case
                    when status_intervals.status not in ('new', 'open', 'on_hold') then 0
                    when clocks.clock = 'business' then status_intervals.business_minutes
                    else status_intervals.calendar_minutes
                end
            ) over (
                partition by status_intervals.ticket_id
                order by status_intervals.interval_number
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as wait_before,
        case clocks.clock
            when 'business' then status_intervals.business_minutes
            else status_intervals.calendar_minutes
        end as wait_minutes

    from status_intervals

    inner join clocks
        on
            status_intervals.ticket_id = clocks.ticket_id
            and clocks.metric = 'requester_wait'

),

wait_totals as (

    select
        ticket_id,
        sum(case when is_waiting then calendar_minutes else 0 end) as wait_calendar_minutes,
        sum(case when is_waiting then business_minutes else 0 end) as wait_business_minutes

    from wait_intervals

    group by ticket_id

),

wait_due_local as (

    -- the interval in which the wait reaches its target: the one that crosses it, or the
    -- current one while the target is not reached (then the due time is a projection)
    select
        wait_intervals.ticket_id,
        wait_intervals.clock,
        wait_intervals.started_at,
        wait_intervals.target_minutes - wait_intervals.wait_before as remaining_minutes,
        {{ business_minute_offset(to_business_time('wait_intervals.started_at'), 'start_day') }}
        + wait_intervals.target_minutes - wait_intervals.wait_before as due_business_offset

    from wait_intervals

    left join calendar as start_day
        on cast({{ to_business_time('wait_intervals.started_at') }} as date) = start_day.calendar_date

    where
        wait_intervals.is_waiting
        and wait_intervals.wait_before < wait_intervals.target_minutes
        and (
            wait_intervals.target_minutes <= wait_intervals.wait_before + wait_intervals.wait_minutes
            or wait_intervals.is_current
        )

),

wait_due as (

    select
        wait_due_local.ticket_id,
        case wait_due_local.clock
            when 'business'
                then {{ from_business_time(business_offset_to_local('wait_due_local.due_business_offset', 'due_day')) }}
            else {{ dbt.dateadd(
                'millisecond',
                'cast(round(wait_due_local.remaining_minutes * 60000) as ' ~ dbt.type_bigint() ~ ')',
                'wait_due_local.started_at'
            ) }}
        end as due_at

    from wait_due_local

    left join calendar as due_day
        on
            wait_due_local.clock = 'business'
            and due_day.is_business_day
            and due_day.business_minutes_before = {{ business_day_before('wait_due_local.due_business_offset') }}

),

elapsed as (

    select
        measured.*,
        business_offsets.start_day_offset as started_business_offset,
        -- a ticket without status intervals (no lifecycle events) has waited since submission
        wait_totals.ticket_id is not null and measured.metric = 'requester_wait' as is_wait_from_intervals,
        case
            when wait_totals.ticket_id is not null and measured.metric = 'requester_wait'
                then cast(wait_totals.wait_calendar_minutes as double precision)
            else {{ minutes_between('measured.started_at', 'measured.measured_until') }}
        end as elapsed_calendar_minutes,
        case
            when wait_totals.ticket_id is not null and measured.metric = 'requester_wait'
                then cast(wait_totals.wait_business_minutes as double precision)
            else cast(
                coalesce(
                    {{ business_minutes_between(
                        'business_offsets.start_day_offset', 'business_offsets.until_day_offset'
                    ) }},
                    0
                ) as double precision
            )
        end as elapsed_business_minutes

    from measured

    left join business_offsets
        on measured.sla_event_id = business_offsets.sla_event_id

    left join wait_totals
        on measured.ticket_id = wait_totals.ticket_id

),

on_policy_clock as (

    select
        elapsed.*,
        case elapsed.clock
            when 'business' then elapsed.elapsed_business_minutes
            else elapsed.elapsed_calendar_minutes
        end as elapsed_minutes,
        -- the business offset at which the target is reached
        elapsed.started_business_offset + elapsed.target_minutes as due_business_offset

    from elapsed

),

due as (

    select
        on_policy_clock.*,
        case
            when on_policy_clock.is_wait_from_intervals then wait_due.due_at
            when on_policy_clock.clock = 'business'
                then {{ from_business_time(
                    business_offset_to_local('on_policy_clock.due_business_offset', 'due_day')
                ) }}
            else {{ dbt.dateadd('minute', 'on_policy_clock.target_minutes', 'on_policy_clock.started_at') }}
        end as due_at

    from on_policy_clock

    left join wait_due
        on
            on_policy_clock.ticket_id = wait_due.ticket_id
            and on_policy_clock.is_wait_from_intervals

    left join calendar as due_day
        on
            on_policy_clock.clock = 'business'
            and due_day.is_business_day
            and due_day.business_minutes_before = {{ business_day_before('on_policy_clock.due_business_offset') }}

),

final as (

    -- columns grouped by topic (as in stg_tickets), not by complexity
    select  -- noqa: ST06

        ----------  ids
        sla_event_id,
        ticket_id,

        ----------  policy
        priority,
        metric,
        occurrence_number,
        clock,
        target_minutes,

        ----------  clock
        started_at,
        due_at,
        achieved_at,
        achieved_by,
        is_achieved,
        measured_until,
        elapsed_calendar_minutes,
        elapsed_business_minutes,
        elapsed_minutes,

        ----------  outcome
        elapsed_minutes > target_minutes as is_breached,
        case
            when elapsed_minutes > target_minutes then 'breached'
            when is_achieved then 'achieved'
            else 'active'
        end as sla_status,
        case when elapsed_minutes > target_minutes then elapsed_minutes - target_minutes else 0 end
            as breach_minutes,

        ----------  provenance
        ticket_loaded_at,
        lifecycle_loaded_at

    from due

)

select * from final
