{#-
    One row per ticket: the operational metrics a support team reports on (first response and
    resolution time in calendar and business minutes, SLA targets and breaches, reopens,
    satisfaction, escalation, lifecycle durations, the help desk's conversation and waits of
    ticket_conversation_metrics) beside the ticket's classification and the judges' verdicts on
    its drafted response.
    Incremental: re-builds tickets that were (re)loaded, got lifecycle events or verdicts, or
    still have an open SLA or wait clock (their elapsed time grows). A table built before the
    conversation columns existed is re-built whole on its next run, so no row lacks them.
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

sla as (

    select * from {{ ref('sla_events') }}

),

evaluations as (

    select * from {{ ref('stg_response_evaluations') }}

),

conversation as (

    select * from {{ ref('ticket_conversation_metrics') }}

),

product_teams as (

    select * from {{ ref('product_teams') }}

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

        select ticket_id
        from evaluations
        where {{ loaded_since('evaluated_at', 'evaluations_loaded_at') }}

        union all

        -- open SLA clocks keep running: re-read them
        select ticket_id
        from {{ this }}
        where has_open_sla_clock

        union all

        {% if relation_has_column(this, 'has_open_wait_clock') -%}
            -- so do the waits of unsolved tickets
            select ticket_id
            from {{ this }}
            where has_open_wait_clock
        {%- else -%}
            -- built before the conversation columns: re-build every ticket
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

sla_per_ticket as (

    select
        ticket_id,
        {%- for metric in ['first_response', 'resolution'] %}
            max(case when metric = '{{ metric }}' then target_minutes end) as {{ metric }}_target_minutes,
            max(case when metric = '{{ metric }}' then clock end) as {{ metric }}_sla_clock,
            max(
                case when metric = '{{ metric }}' and is_achieved then elapsed_calendar_minutes end
            ) as {{ metric }}_calendar_minutes,
            max(
                case when metric = '{{ metric }}' and is_achieved then elapsed_business_minutes end
            ) as {{ metric }}_business_minutes,
            max(case when metric = '{{ metric }}' and is_breached then 1 else 0 end) = 1
                as is_{{ metric }}_sla_breached,
        {%- endfor %}
        {%- for metric in ['agent_first_reply', 'next_reply', 'requester_wait'] %}
            max(case when metric = '{{ metric }}' and is_breached then 1 else 0 end) = 1
                as is_{{ metric }}_sla_breached,
        {%- endfor %}
        max(case when is_breached then 1 else 0 end) = 1 as is_sla_breached,
        max(case when not is_achieved then 1 else 0 end) = 1 as has_open_sla_clock

    from sla

    where ticket_id in (select scoped_tickets.ticket_id from scoped_tickets)

    group by ticket_id

),

verdicts as (

    select
        ticket_id,
        count(*) as judge_verdict_count,
        sum(case when all_passed then 1 else 0 end) as judge_passed_count,
        {%- set criteria = [
            'contextual_relevance', 'technical_accuracy', 'professional_tone', 'actionable_guidance'
        ] %}
        {%- for criterion in criteria %}
            min(case when {{ criterion }} then 1 else 0 end) = 1 as is_{{ criterion }}_passed,
        {%- endfor %}
        max(evaluated_at) as last_evaluated_at

    from evaluations

    where is_evaluated and ticket_id in (select scoped_tickets.ticket_id from scoped_tickets)

    group by ticket_id

),

evaluation_loads as (

    -- every attempt (failed and deferred too): a new attempt re-builds the ticket
    select
        ticket_id,
        max(evaluated_at) as evaluations_loaded_at

    from evaluations

    where ticket_id in (select scoped_tickets.ticket_id from scoped_tickets)

    group by ticket_id

),

joined as (

    -- columns grouped by topic, not by complexity
    select  -- noqa: ST06

        ----------  ids
        scoped_tickets.ticket_id,

        ----------  ticket
        scoped_tickets.submitted_at,
        scoped_tickets.submitted_date,
        scoped_tickets.product,
        scoped_tickets.issue_type,
        coalesce(product_teams.team, 'general support') as team,
        scoped_tickets.priority,
        scoped_tickets.sentiment,
        scoped_tickets.record_source,

        ----------  state
        coalesce(lifecycle.status, 'unknown') as status,
        coalesce(lifecycle.is_resolved, false) as is_resolved,
        lifecycle.resolved_at,

        ----------  first response
        coalesce(lifecycle.first_response_at, scoped_tickets.processed_at) as first_response_at,
        sla_per_ticket.first_response_calendar_minutes,
        sla_per_ticket.first_response_business_minutes,
        sla_per_ticket.first_response_target_minutes,
        sla_per_ticket.first_response_sla_clock,
        coalesce(sla_per_ticket.is_first_response_sla_breached, false) as is_first_response_sla_breached,

        ----------  resolution
        sla_per_ticket.resolution_calendar_minutes,
        sla_per_ticket.resolution_business_minutes,
        sla_per_ticket.resolution_target_minutes,
        sla_per_ticket.resolution_sla_clock,
        coalesce(sla_per_ticket.is_resolution_sla_breached, false) as is_resolution_sla_breached,

        ----------  conversation SLAs (policies from their effective_from; see sla_events)
        coalesce(sla_per_ticket.is_agent_first_reply_sla_breached, false)
            as is_agent_first_reply_sla_breached,
        coalesce(sla_per_ticket.is_next_reply_sla_breached, false) as is_next_reply_sla_breached,
        coalesce(sla_per_ticket.is_requester_wait_sla_breached, false)
            as is_requester_wait_sla_breached,

        ----------  sla overall
        coalesce(sla_per_ticket.is_sla_breached, false) as is_sla_breached,
        coalesce(sla_per_ticket.has_open_sla_clock, false) as has_open_sla_clock,

        ----------  help desk
        coalesce(lifecycle.reopen_count, 0) as reopen_count,
        coalesce(lifecycle.reopen_count, 0) > 0 as is_reopened,
        coalesce(lifecycle.resolution_count, 0) as resolution_count,
        lifecycle.satisfaction_rating,
        case when lifecycle.satisfaction_rating is not null then lifecycle.satisfaction_rating >= 4 end
            as is_satisfied,
        coalesce(lifecycle.is_escalated, false) as is_escalated,
        lifecycle.assigned_team,
        lifecycle.assigned_agent,
        case
            when lifecycle.assigned_team is not null
                then lifecycle.assigned_team = coalesce(product_teams.team, 'general support')
        end as is_assigned_to_owning_team,

        ----------  lifecycle durations (calendar minutes)
        lifecycle.minutes_submitted_to_response,
        lifecycle.minutes_response_to_assignment,
        lifecycle.minutes_assignment_to_first_resolution,
        lifecycle.minutes_submitted_to_resolution,
        coalesce(lifecycle.event_count, 0) as lifecycle_event_count,
        coalesce(lifecycle.anomaly_count, 0) as lifecycle_anomaly_count,

        ----------  help-desk conversation and waits (ticket_conversation_metrics)
        conversation.helpdesk_status,
        conversation.first_agent_reply_at,
        conversation.first_agent_reply_calendar_minutes,
        conversation.first_agent_reply_business_minutes,
        conversation.median_next_reply_calendar_minutes,
        conversation.median_next_reply_business_minutes,
        conversation.max_next_reply_business_minutes,
        coalesce(conversation.agent_reply_count, 0) as agent_reply_count,
        coalesce(conversation.internal_note_count, 0) as internal_note_count,
        coalesce(conversation.requester_reply_count, 0) as requester_reply_count,
        coalesce(conversation.agent_touch_count, 0) as agent_touch_count,
        coalesce(conversation.reassignment_count, 0) as reassignment_count,
        conversation.requester_wait_calendar_minutes,
        conversation.requester_wait_business_minutes,
        conversation.agent_wait_calendar_minutes,
        conversation.agent_wait_business_minutes,
        conversation.on_hold_calendar_minutes,
        conversation.on_hold_business_minutes,
        conversation.first_resolution_calendar_minutes,
        conversation.first_resolution_business_minutes,
        conversation.full_resolution_calendar_minutes,
        conversation.full_resolution_business_minutes,
        coalesce(conversation.is_one_touch_resolution, false) as is_one_touch_resolution,
        coalesce(conversation.is_two_touch_resolution, false) as is_two_touch_resolution,
        coalesce(conversation.is_multi_touch_resolution, false) as is_multi_touch_resolution,
        coalesce(conversation.is_ai_draft_accepted_resolution, false) as is_ai_draft_accepted_resolution,
        coalesce(conversation.has_open_wait_clock, false) as has_open_wait_clock,

        ----------  response quality (evaluated verdicts of every judge)
        coalesce(verdicts.judge_verdict_count, 0) as judge_verdict_count,
        coalesce(verdicts.judge_passed_count, 0) as judge_passed_count,
        case
            when verdicts.judge_verdict_count > 0
                then verdicts.judge_passed_count = verdicts.judge_verdict_count
        end as is_judge_passed,
        verdicts.is_contextual_relevance_passed,
        verdicts.is_technical_accuracy_passed,
        verdicts.is_professional_tone_passed,
        verdicts.is_actionable_guidance_passed,

        ----------  provenance
        scoped_tickets.partition_date,
        scoped_tickets.loaded_at as ticket_loaded_at,
        lifecycle.last_loaded_at as lifecycle_loaded_at,
        evaluation_loads.evaluations_loaded_at

    from scoped_tickets

    left join product_teams
        on scoped_tickets.product = product_teams.product

    left join lifecycle
        on scoped_tickets.ticket_id = lifecycle.ticket_id

    left join sla_per_ticket
        on scoped_tickets.ticket_id = sla_per_ticket.ticket_id

    left join verdicts
        on scoped_tickets.ticket_id = verdicts.ticket_id

    left join evaluation_loads
        on scoped_tickets.ticket_id = evaluation_loads.ticket_id

    left join conversation
        on scoped_tickets.ticket_id = conversation.ticket_id

)

select * from joined
