{#-
    One row per ticket and help-desk SLA metric of sla_policies (seed), and for `next_reply` per
    occurrence: the policy that applies to the ticket, when the clock started, and when and by
    what it stopped (null while it runs). sla_events measures these clocks; int_sla_requester_wait
    measures the requester_wait clock's status intervals.

    Clocks:
      first_response     submission -> the AI draft (RESPONSE_GENERATED, else processed_at)
      resolution         submission -> the final resolution (resolved_at of ticket_current_state)
      agent_first_reply  submission -> the first AGENT_REPLIED, or a RESOLVED before any
      next_reply         a REQUESTER_REPLIED after an agent's reply or a solve -> the next
                         AGENT_REPLIED or RESOLVED (one row per occurrence)
      requester_wait     submission -> the final resolution (the pauses: int_sla_requester_wait)
    A policy applies to the tickets submitted on or after its `effective_from`.
-#}
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

    where milestones.milestone in ('AGENT_REPLIED', 'REQUESTER_REPLIED', 'RESOLVED')

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
        tickets.ticket_id,
        'first_response' as metric,
        1 as occurrence_number,
        tickets.submitted_at as started_at,
        -- the response event when the lifecycle has it, else the pipeline's processed_at
        coalesce(lifecycle.first_response_at, tickets.processed_at) as achieved_at,
        case
            when lifecycle.first_response_at is not null then 'RESPONSE_GENERATED'
            when tickets.processed_at is not null then 'PROCESSED'
        end as achieved_by

    from tickets

    left join lifecycle
        on tickets.ticket_id = lifecycle.ticket_id

    union all

    {%- for metric in ['resolution', 'requester_wait'] %}

        select
            tickets.ticket_id,
            '{{ metric }}' as metric,
            1 as occurrence_number,
            tickets.submitted_at as started_at,
            lifecycle.resolved_at as achieved_at,
            case when lifecycle.resolved_at is not null then 'RESOLVED' end as achieved_by

        from tickets

        left join lifecycle
            on tickets.ticket_id = lifecycle.ticket_id

        union all
    {%- endfor %}

    select
        tickets.ticket_id,
        'agent_first_reply' as metric,
        1 as occurrence_number,
        tickets.submitted_at as started_at,
        stops.occurred_at as achieved_at,
        stops.milestone as achieved_by

    from tickets

    left join first_replies
        on tickets.ticket_id = first_replies.ticket_id

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

final as (

    select
        clock_starts.ticket_id || ':' || clock_starts.metric
        || case
            when clock_starts.metric = 'next_reply'
                then ':' || cast(clock_starts.occurrence_number as {{ dbt.type_string() }})
            else ''
        end as sla_event_id,
        clock_starts.ticket_id,
        tickets.priority,
        clock_starts.metric,
        clock_starts.occurrence_number,
        policies.clock,
        policies.target_minutes,
        clock_starts.started_at,
        clock_starts.achieved_at,
        clock_starts.achieved_by,
        tickets.partition_date,
        tickets.loaded_at as ticket_loaded_at,
        lifecycle.last_loaded_at as lifecycle_loaded_at

    from clock_starts

    inner join tickets
        on clock_starts.ticket_id = tickets.ticket_id

    inner join policies
        on
            tickets.priority = policies.priority
            and clock_starts.metric = policies.metric
            and tickets.submitted_at >= cast(policies.effective_from as {{ dbt.type_timestamp() }})

    left join lifecycle
        on clock_starts.ticket_id = lifecycle.ticket_id

)

select * from final
