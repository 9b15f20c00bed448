{#-
    One row per lifecycle event, in each ticket's order, with the time since the previous
    milestone and the anomaly flags of lifecycle_milestones (seed): a prerequisite that never
    happened (skipped), one that happened only later (out of order), a one-time milestone
    repeated. Incremental: every event of a ticket with new events is re-built, since the flags
    of an event depend on the ticket's other events.
-#}
{{
    config(
        materialized='incremental',
        unique_key='event_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

events as (

    select * from {{ ref('stg_ticket_events') }}

),

rules as (

    select * from {{ ref('lifecycle_milestones') }}

),

{% if is_incremental() %}

    changed_tickets as (

        select distinct ticket_id
        from events
        where {{ incremental_filter('partition_date', 'loaded_at', 'loaded_at') }}

    ),

    ticket_events as (

        select events.*
        from events
        inner join changed_tickets
            on events.ticket_id = changed_tickets.ticket_id

    ),

{% else %}

    ticket_events as (

        select * from events

    ),

{% endif %}

first_occurrences as (

    select
        ticket_id,
        milestone,
        min(occurred_at) as first_occurred_at

    from ticket_events

    group by ticket_id, milestone

),

sequenced as (

    select
        ticket_events.*,
        rules.stage_order,
        rules.prerequisite_milestone,
        coalesce(rules.is_repeatable, false) as is_repeatable,
        row_number() over (
            partition by ticket_events.ticket_id
            order by ticket_events.occurred_at, rules.stage_order, ticket_events.event_id
        ) as milestone_number,
        row_number() over (
            partition by ticket_events.ticket_id, ticket_events.milestone
            order by ticket_events.occurred_at, ticket_events.event_id
        ) as occurrence_number,
        lag(ticket_events.milestone) over (
            partition by ticket_events.ticket_id
            order by ticket_events.occurred_at, rules.stage_order, ticket_events.event_id
        ) as previous_milestone,
        lag(ticket_events.occurred_at) over (
            partition by ticket_events.ticket_id
            order by ticket_events.occurred_at, rules.stage_order, ticket_events.event_id
        ) as previous_occurred_at

    from ticket_events

    left join rules
        on ticket_events.milestone = rules.milestone

),

flagged as (

    select
        sequenced.*,
        submitted.first_occurred_at as ticket_submitted_at,
        prerequisite.first_occurred_at as prerequisite_first_occurred_at,
        sequenced.prerequisite_milestone is not null
        and prerequisite.first_occurred_at is null as is_prerequisite_missing,
        coalesce(prerequisite.first_occurred_at > sequenced.occurred_at, false) as is_out_of_order,
        sequenced.occurrence_number > 1 and not sequenced.is_repeatable as is_unexpected_repeat

    from sequenced

    left join first_occurrences as prerequisite
        on
            sequenced.ticket_id = prerequisite.ticket_id
            and sequenced.prerequisite_milestone = prerequisite.milestone

    left join first_occurrences as submitted
        on
            sequenced.ticket_id = submitted.ticket_id
            and submitted.milestone = 'SUBMITTED'

),

final as (

    select

        ----------  ids
        event_id,
        ticket_id,

        ----------  milestone
        milestone,
        event_name,
        event_source,
        occurred_at,
        occurred_date,
        stage_order,
        milestone_number,
        occurrence_number,

        ----------  timing
        previous_milestone,
        previous_occurred_at,
        {{ minutes_between('previous_occurred_at', 'occurred_at') }} as minutes_since_previous,
        {{ minutes_between('ticket_submitted_at', 'occurred_at') }} as minutes_since_submitted,

        ----------  event data
        agent,
        team,
        priority,
        sentiment,
        rating,

        ----------  anomalies
        prerequisite_milestone,
        prerequisite_first_occurred_at,
        is_prerequisite_missing,
        is_out_of_order,
        is_unexpected_repeat,
        is_prerequisite_missing or is_out_of_order or is_unexpected_repeat as has_anomaly,
        case
            when is_prerequisite_missing
                then 'skipped: no ' || prerequisite_milestone || ' before ' || milestone
            when is_out_of_order
                then 'out of order: ' || milestone || ' before ' || prerequisite_milestone
            when is_unexpected_repeat
                then 'repeated: ' || milestone || ' happened more than once'
        end as anomaly_reason,

        ----------  provenance
        source_key,
        partition_date,
        loaded_at

    from flagged

)

select * from final
