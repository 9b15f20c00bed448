{#-
    One row per ticket with lifecycle events: where the ticket stands now (the lifecycle
    `status` and the help desk's Zendesk-like `helpdesk_status`), when each milestone first (or
    last) happened, the latest assignment and rating, and the time between milestones.
    Incremental: a ticket is re-built when any of its milestones was (re)built.
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

milestones as (

    select * from {{ ref('fct_ticket_milestones') }}

),

events as (

    select * from {{ ref('stg_ticket_events') }}

),

{% if is_incremental() %}

    changed_tickets as (

        -- a table built before the help-desk status re-builds every ticket
        select distinct ticket_id
        from milestones
        {%- if relation_has_column(this, 'helpdesk_status') %}
            where {{ incremental_filter('partition_date', 'loaded_at', 'last_loaded_at') }}
        {%- endif %}

    ),

    ticket_milestones as (

        select milestones.*
        from milestones
        inner join changed_tickets
            on milestones.ticket_id = changed_tickets.ticket_id

    ),

{% else %}

    ticket_milestones as (

        select * from milestones

    ),

{% endif %}

status_events as (

    -- the events that set the help-desk status (helpdesk_status_rule), and the status each sets
    select
        ticket_milestones.event_id,
        ticket_milestones.ticket_id,
        ticket_milestones.milestone_number,
        ticket_milestones.occurred_at,
        {{ helpdesk_status_set('ticket_milestones.milestone', 'events.helpdesk_status') }}
            as status_set,
        lag(
            {{ helpdesk_status_set('ticket_milestones.milestone', 'events.helpdesk_status') }}
        ) over (
            partition by ticket_milestones.ticket_id order by ticket_milestones.milestone_number
        ) as previous_status_set

    from ticket_milestones

    left join events
        on ticket_milestones.event_id = events.event_id

    where
        ticket_milestones.milestone in ('ASSIGNED', 'REOPENED', 'RESOLVED')
        or (ticket_milestones.milestone = 'STATUS_CHANGED' and events.helpdesk_status is not null)

),

status_changes as (

    -- the status-setting events that changed the status (the first one changes it from `new`)
    select
        status_events.*,
        row_number() over (
            partition by status_events.ticket_id order by status_events.milestone_number desc
        ) as recency_in_status

    from status_events

    -- no default argument to lag(): Redshift takes none; a ticket starts `new`
    where status_events.status_set <> coalesce(status_events.previous_status_set, 'new')

),

current_status as (

    select
        ticket_id,
        status_set as helpdesk_status,
        occurred_at as helpdesk_status_since

    from status_changes

    where recency_in_status = 1

),

ranked as (

    select
        ticket_milestones.*,
        -- assignments and reassignments only: the latest one says which team holds the ticket
        row_number() over (
            partition by ticket_milestones.ticket_id, ticket_milestones.milestone in ('ASSIGNED', 'REASSIGNED')
            order by ticket_milestones.milestone_number desc
        ) as recency_in_ownership,
        row_number() over (
            partition by ticket_milestones.ticket_id, ticket_milestones.milestone
            order by ticket_milestones.occurred_at desc, ticket_milestones.event_id desc
        ) as recency_in_milestone,
        row_number() over (
            partition by ticket_milestones.ticket_id
            order by ticket_milestones.milestone_number desc
        ) as recency_in_ticket,
        -- resolutions and reopens only: the latest one says whether the ticket is solved
        row_number() over (
            partition by ticket_milestones.ticket_id, ticket_milestones.milestone in ('RESOLVED', 'REOPENED')
            order by
                ticket_milestones.occurred_at desc, ticket_milestones.stage_order desc, ticket_milestones.event_id desc
        ) as recency_in_resolution

    from ticket_milestones

),

per_ticket as (

    select
        ticket_id,

        {%- for milestone, column in [
            ('SUBMITTED', 'submitted_at'),
            ('SENTIMENT_SCORED', 'sentiment_scored_at'),
            ('RESPONSE_GENERATED', 'first_response_at'),
            ('STORED', 'stored_at'),
            ('ESCALATED', 'escalated_at'),
            ('PROCESSING_FAILED', 'processing_failed_at'),
            ('ASSIGNED', 'first_assigned_at'),
            ('RESOLVED', 'first_resolved_at'),
        ] %}
            min(case when milestone = '{{ milestone }}' then occurred_at end) as {{ column }},
        {%- endfor %}
        max(case when milestone = 'RESOLVED' then occurred_at end) as last_resolved_at,
        max(case when milestone = 'REOPENED' then occurred_at end) as last_reopened_at,
        max(
            case
                when milestone in ('RESOLVED', 'REOPENED') and recency_in_resolution = 1
                    then milestone
            end
        ) as last_resolution_milestone,
        max(case when recency_in_ticket = 1 then milestone end) as current_milestone,
        max(occurred_at) as last_event_at,
        min(occurred_at) as first_event_at,
        max(case when milestone = 'ASSIGNED' and recency_in_milestone = 1 then team end) as assigned_team,
        max(case when milestone = 'ASSIGNED' and recency_in_milestone = 1 then agent end) as assigned_agent,
        max(
            case when milestone in ('ASSIGNED', 'REASSIGNED') and recency_in_ownership = 1 then team end
        ) as current_team,
        max(
            case when milestone in ('ASSIGNED', 'REASSIGNED') and recency_in_ownership = 1 then agent end
        ) as current_agent,
        sum(case when milestone = 'REASSIGNED' then 1 else 0 end) as reassignment_count,
        max(
            case when milestone = 'SATISFACTION_RATED' and recency_in_milestone = 1 then rating end
        ) as satisfaction_rating,
        max(
            case when milestone = 'SATISFACTION_RATED' and recency_in_milestone = 1 then occurred_at end
        ) as rated_at,
        sum(case when milestone = 'ASSIGNED' then 1 else 0 end) as assignment_count,
        sum(case when milestone = 'RESOLVED' then 1 else 0 end) as resolution_count,
        sum(case when milestone = 'REOPENED' then 1 else 0 end) as reopen_count,
        count(*) as event_count,
        sum(case when has_anomaly then 1 else 0 end) as anomaly_count,
        max(loaded_at) as last_loaded_at

    from ranked

    group by ticket_id

),

with_status as (

    select
        per_ticket.*,
        coalesce(current_status.helpdesk_status, 'new') as helpdesk_status,
        coalesce(current_status.helpdesk_status_since, per_ticket.first_event_at) as helpdesk_status_since

    from per_ticket

    left join current_status
        on per_ticket.ticket_id = current_status.ticket_id

),

final as (

    select

        ----------  ids
        ticket_id,

        ----------  state
        case
            when last_resolution_milestone = 'RESOLVED' then 'solved'
            when last_resolution_milestone = 'REOPENED' then 'reopened'
            when first_assigned_at is not null then 'assigned'
            when processing_failed_at is not null and first_response_at is null then 'failed'
            when first_response_at is not null then 'awaiting_agent'
            else 'processing'
        end as status,
        coalesce(last_resolution_milestone = 'RESOLVED', false) as is_resolved,
        helpdesk_status,
        helpdesk_status_since,
        current_milestone,
        last_event_at,

        ----------  milestones
        submitted_at,
        sentiment_scored_at,
        first_response_at,
        stored_at,
        escalated_at,
        escalated_at is not null as is_escalated,
        processing_failed_at,
        first_assigned_at,
        first_resolved_at,
        last_reopened_at,
        case when last_resolution_milestone = 'RESOLVED' then last_resolved_at end as resolved_at,

        ----------  help desk
        assigned_team,
        assigned_agent,
        current_team,
        current_agent,
        assignment_count,
        reassignment_count,
        resolution_count,
        reopen_count,
        satisfaction_rating,
        rated_at,

        ----------  time between milestones (calendar minutes)
        {{ minutes_between('submitted_at', 'first_response_at') }} as minutes_submitted_to_response,
        {{ minutes_between('first_response_at', 'first_assigned_at') }} as minutes_response_to_assignment,
        {{ minutes_between('first_assigned_at', 'first_resolved_at') }} as minutes_assignment_to_first_resolution,
        {{ minutes_between(
            'submitted_at',
            "case when last_resolution_milestone = 'RESOLVED' then last_resolved_at end"
        ) }} as minutes_submitted_to_resolution,

        ----------  data quality
        event_count,
        anomaly_count,
        anomaly_count > 0 as has_anomaly,

        ----------  provenance
        last_loaded_at

    from with_status

)

select * from final
