{#-
    One row per ticket and SLA metric of sla_policies (seed): when the clock started and stopped,
    the elapsed calendar and business minutes, and whether the target was breached. An open
    clock (not yet achieved) is measured up to as_of_time(), and re-measured on every build.
    Incremental: re-builds tickets that were (re)loaded, whose lifecycle changed, or that still
    have an open clock.

    Business minutes are the overlap of [started_at, measured_until], in the business_timezone's
    wall-clock time, with the business hours of int_business_calendar: the difference of the
    calendar's running total of business minutes at the two ends (equi-joins, no range join).
-#}
{{
    config(
        materialized='incremental',
        unique_key='sla_event_id',
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

policies as (

    select * from {{ ref('sla_policies') }}

),

calendar as (

    select * from {{ ref('int_business_calendar') }}

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

clocks as (

    select
        scoped_tickets.ticket_id,
        scoped_tickets.priority,
        policies.metric,
        policies.clock,
        policies.target_minutes,
        scoped_tickets.submitted_at as started_at,
        scoped_tickets.loaded_at as ticket_loaded_at,
        lifecycle.last_loaded_at as lifecycle_loaded_at,
        scoped_tickets.ticket_id || ':' || policies.metric as sla_event_id,
        case policies.metric
            -- the response event when the lifecycle has it, else the pipeline's processed_at
            when 'first_response' then coalesce(lifecycle.first_response_at, scoped_tickets.processed_at)
            when 'resolution' then lifecycle.resolved_at
        end as achieved_at

    from scoped_tickets

    inner join policies
        on scoped_tickets.priority = policies.priority

    left join lifecycle
        on scoped_tickets.ticket_id = lifecycle.ticket_id

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

business_time as (

    -- business minutes from the calendar's start up to each end of the clock: the days before
    -- (running total) plus the part of the end's own day within its business hours
    select
        local_times.sla_event_id,
        greatest(
            0,
            until_day.business_minutes_before
            + case
                when until_day.is_business_day
                    then greatest(0, least(
                        {{ minutes_between('until_day.business_opens_at', 'local_times.local_measured_until') }},
                        until_day.business_minutes
                    ))
                else 0
            end
            - start_day.business_minutes_before
            - case
                when start_day.is_business_day
                    then greatest(0, least(
                        {{ minutes_between('start_day.business_opens_at', 'local_times.local_started_at') }},
                        start_day.business_minutes
                    ))
                else 0
            end
        ) as business_minutes

    from local_times

    inner join calendar as start_day
        on cast(local_times.local_started_at as date) = start_day.calendar_date

    inner join calendar as until_day
        on cast(local_times.local_measured_until as date) = until_day.calendar_date

),

elapsed as (

    select
        measured.*,
        {{ minutes_between('measured.started_at', 'measured.measured_until') }} as elapsed_calendar_minutes,
        cast(coalesce(business_time.business_minutes, 0) as double precision) as elapsed_business_minutes

    from measured

    left join business_time
        on measured.sla_event_id = business_time.sla_event_id

),

on_policy_clock as (

    select
        elapsed.*,
        case elapsed.clock
            when 'business' then elapsed.elapsed_business_minutes
            else elapsed.elapsed_calendar_minutes
        end as elapsed_minutes

    from elapsed

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
        clock,
        target_minutes,

        ----------  clock
        started_at,
        achieved_at,
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

        ----------  provenance
        ticket_loaded_at,
        lifecycle_loaded_at

    from on_policy_clock

)

select * from final
