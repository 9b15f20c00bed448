{#-
    One row per ticket with a requester_wait clock (int_sla_clocks) and status intervals
    (int_ticket_status_intervals): how long the requester has waited, counting only the time in
    the statuses new, open and on_hold (the clock is paused while the ticket is pending), and
    when the wait reaches, or would reach, the policy's target. sla_events reads it for the
    requester_wait metric; a ticket without status intervals (no lifecycle events) has no row
    here, and sla_events measures its wait from submission.
-#}
with

status_intervals as (

    select * from {{ ref('int_ticket_status_intervals') }}

),

clocks as (

    select * from {{ ref('int_sla_clocks') }}

),

calendar as (

    select * from {{ ref('int_business_calendar') }}

),

wait_intervals as (

    -- the ticket's intervals in the statuses the requester waits in (pending pauses the
    -- clock), with the wait accumulated before each on the policy's clock
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

final as (

    select
        wait_totals.ticket_id,
        wait_totals.wait_calendar_minutes,
        wait_totals.wait_business_minutes,
        wait_due.due_at

    from wait_totals

    left join wait_due
        on wait_totals.ticket_id = wait_due.ticket_id

)

select * from final
