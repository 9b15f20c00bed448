{#-
    One row per ticket and SLA metric of sla_policies (seed), and for `next_reply` per
    occurrence: when the clock started and stopped, when it is due, the elapsed calendar and
    business minutes, and whether the target was breached. An open clock (not yet achieved) is
    measured up to as_of_time(), and re-measured on every build. Incremental: re-builds tickets
    that were (re)loaded, whose lifecycle changed, or that still have an open clock.

    The clocks, with their policy, start and stop, are int_sla_clocks (it documents each
    metric's start and stop events); the requester_wait clock, paused while the ticket is
    pending, is measured from its status intervals in int_sla_requester_wait. This model
    measures the clocks up to their stop (or as_of_time()), and computes due times and breaches.

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

clocks as (

    select * from {{ ref('int_sla_clocks') }}

),

requester_waits as (

    select * from {{ ref('int_sla_requester_wait') }}

),

calendar as (

    select * from {{ ref('int_business_calendar') }}

),

{% if is_incremental() %}

    changed_tickets as (

        select ticket_id
        from clocks
        where {{ incremental_filter('partition_date', 'ticket_loaded_at', 'ticket_loaded_at') }}

        union all

        select ticket_id
        from clocks
        where {{ loaded_since('lifecycle_loaded_at', 'lifecycle_loaded_at') }}

        union all

        -- open clocks keep running: re-measure them
        select ticket_id
        from {{ this }}
        where not is_achieved

        {%- if not relation_has_column(this, 'breach_minutes') %}

            union all

            -- built before the conversation metrics and due times: re-build every ticket
            select ticket_id
            from clocks
        {%- endif %}

    ),

    scoped_clocks as (

        select *
        from clocks
        where ticket_id in (select changed_tickets.ticket_id from changed_tickets)

    ),

{% else %}

    scoped_clocks as (

        select * from clocks

    ),

{% endif %}

measured as (

    select
        scoped_clocks.*,
        scoped_clocks.achieved_at is not null as is_achieved,
        coalesce(scoped_clocks.achieved_at, {{ as_of_time() }}) as measured_until

    from scoped_clocks

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

elapsed as (

    select
        measured.*,
        business_offsets.start_day_offset as started_business_offset,
        -- a ticket without status intervals (no lifecycle events) has waited since submission
        requester_waits.ticket_id is not null as is_wait_from_intervals,
        requester_waits.due_at as wait_due_at,
        case
            when requester_waits.ticket_id is not null
                then cast(requester_waits.wait_calendar_minutes as double precision)
            else {{ minutes_between('measured.started_at', 'measured.measured_until') }}
        end as elapsed_calendar_minutes,
        case
            when requester_waits.ticket_id is not null
                then cast(requester_waits.wait_business_minutes as double precision)
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

    left join requester_waits
        on
            measured.ticket_id = requester_waits.ticket_id
            and measured.metric = 'requester_wait'

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
            when on_policy_clock.is_wait_from_intervals then on_policy_clock.wait_due_at
            when on_policy_clock.clock = 'business'
                then {{ from_business_time(
                    business_offset_to_local('on_policy_clock.due_business_offset', 'due_day')
                ) }}
            else {{ dbt.dateadd('minute', 'on_policy_clock.target_minutes', 'on_policy_clock.started_at') }}
        end as due_at

    from on_policy_clock

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
