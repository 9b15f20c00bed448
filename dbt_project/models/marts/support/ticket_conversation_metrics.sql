{#-
    One row per ticket with lifecycle events: the help desk's conversation and waits at Zendesk
    depth (fivetran dbt_zendesk's ticket_metrics): the AI draft's delay, the first and next
    agent reply times, replies, notes and touches, reassignments, the requester's and the
    agent's wait and the on-hold time (from int_ticket_status_intervals), first and full
    resolution time, each in calendar and business minutes, and the touch-based resolution
    flags. Medians, not means. Unsolved tickets' waits run to as_of_time() and grow on every
    build (has_open_wait_clock).
-#}

with

events as (

    select * from {{ ref('stg_ticket_events') }}

),

intervals as (

    select * from {{ ref('int_ticket_status_intervals') }}

),

reply_times as (

    select * from {{ ref('ticket_reply_times') }}

),

calendar as (

    select * from {{ ref('int_business_calendar') }}

),

event_counts as (

    select
        ticket_id,
        coalesce(
            min(case when milestone = 'SUBMITTED' then occurred_at end), min(occurred_at)
        ) as submitted_at,
        min(case when milestone = 'RESPONSE_GENERATED' then occurred_at end) as ai_draft_at,
        min(case when milestone = 'RESOLVED' then occurred_at end) as first_solved_at,
        max(case when milestone = 'RESOLVED' then occurred_at end) as last_solved_at,
        sum(case when milestone = 'AGENT_REPLIED' then 1 else 0 end) as agent_reply_count,
        sum(case when milestone = 'INTERNAL_NOTE' then 1 else 0 end) as internal_note_count,
        sum(case when milestone = 'REQUESTER_REPLIED' then 1 else 0 end) as requester_reply_count,
        sum(case when milestone = 'REASSIGNED' then 1 else 0 end) as reassignment_count,
        sum(case when milestone = 'REOPENED' then 1 else 0 end) as reopen_count,
        max(loaded_at) as last_loaded_at

    from events

    group by ticket_id

),

waits as (

    select
        ticket_id,
        max(case when is_current then status end) as helpdesk_status,
        {%- for wait, statuses in [
            ('requester_wait', "'new', 'open', 'on_hold'"),
            ('agent_wait', "'pending'"),
            ('on_hold', "'on_hold'"),
        ] %}
            sum(case when status in ({{ statuses }}) then calendar_minutes else 0 end)
                as {{ wait }}_calendar_minutes,
            sum(case when status in ({{ statuses }}) then business_minutes else 0 end)
                as {{ wait }}_business_minutes,
        {%- endfor %}
        sum(case when status = 'pending' then 1 else 0 end) as pending_count,
        sum(case when status = 'on_hold' then 1 else 0 end) as on_hold_count

    from intervals

    group by ticket_id

),

next_reply_rows as (

    {{ median_rows(
        'reply_times',
        'ticket_id, is_first_reply',
        ['reply_calendar_minutes', 'reply_business_minutes']
    ) }}

),

replies as (

    select
        ticket_id,
        cast(sum(case when not is_first_reply and is_answered then 1 else 0 end) as integer)
            as answered_next_reply_count,
        cast(sum(case when not is_answered then 1 else 0 end) as integer) as unanswered_reply_count,
        max(case when is_first_reply then agent_replied_at end) as first_agent_reply_at,
        max(case when is_first_reply then reply_calendar_minutes end) as first_agent_reply_calendar_minutes,
        max(case when is_first_reply then reply_business_minutes end) as first_agent_reply_business_minutes,
        max(case when not is_first_reply then reply_calendar_minutes end) as max_next_reply_calendar_minutes,
        max(case when not is_first_reply then reply_business_minutes end) as max_next_reply_business_minutes

    from reply_times

    group by ticket_id

),

next_reply_medians as (

    -- grouped by (ticket, is_first_reply) so that the medians see the next replies only
    select
        ticket_id,
        {{ group_median('reply_calendar_minutes') }} as median_next_reply_calendar_minutes,
        {{ group_median('reply_business_minutes') }} as median_next_reply_business_minutes

    from next_reply_rows

    where not is_first_reply

    group by ticket_id, is_first_reply

),

joined as (

    select
        event_counts.*,
        waits.helpdesk_status,
        waits.requester_wait_calendar_minutes,
        waits.requester_wait_business_minutes,
        waits.agent_wait_calendar_minutes,
        waits.agent_wait_business_minutes,
        waits.on_hold_calendar_minutes,
        waits.on_hold_business_minutes,
        waits.pending_count,
        waits.on_hold_count,
        replies.first_agent_reply_at,
        replies.first_agent_reply_calendar_minutes,
        replies.first_agent_reply_business_minutes,
        next_reply_medians.median_next_reply_calendar_minutes,
        next_reply_medians.median_next_reply_business_minutes,
        replies.max_next_reply_calendar_minutes,
        replies.max_next_reply_business_minutes,
        coalesce(waits.helpdesk_status = 'solved', false) as is_solved,
        coalesce(replies.answered_next_reply_count, 0) as answered_next_reply_count,
        coalesce(replies.unanswered_reply_count, 0) as unanswered_reply_count

    from event_counts

    left join waits
        on event_counts.ticket_id = waits.ticket_id

    left join replies
        on event_counts.ticket_id = replies.ticket_id

    left join next_reply_medians
        on event_counts.ticket_id = next_reply_medians.ticket_id

),

resolved as (

    -- the full resolution is the last solve of a ticket that is solved now
    select
        joined.*,
        case when joined.is_solved then joined.last_solved_at end as full_resolved_at,
        {{ to_business_time('joined.submitted_at') }} as local_submitted_at,
        {{ to_business_time('joined.ai_draft_at') }} as local_ai_draft_at,
        {{ to_business_time('joined.first_solved_at') }} as local_first_solved_at,
        {{ to_business_time('case when joined.is_solved then joined.last_solved_at end') }}
            as local_full_resolved_at

    from joined

),

offsets as (

    select
        resolved.*,
        {{ business_minute_offset('resolved.local_submitted_at', 'submitted_day') }} as submitted_offset,
        {{ business_minute_offset('resolved.local_ai_draft_at', 'ai_draft_day') }} as ai_draft_offset,
        {{ business_minute_offset('resolved.local_first_solved_at', 'first_solved_day') }} as first_solved_offset,
        {{ business_minute_offset('resolved.local_full_resolved_at', 'full_resolved_day') }} as full_resolved_offset

    from resolved

    left join calendar as submitted_day
        on cast(resolved.local_submitted_at as date) = submitted_day.calendar_date

    left join calendar as ai_draft_day
        on cast(resolved.local_ai_draft_at as date) = ai_draft_day.calendar_date

    left join calendar as first_solved_day
        on cast(resolved.local_first_solved_at as date) = first_solved_day.calendar_date

    left join calendar as full_resolved_day
        on cast(resolved.local_full_resolved_at as date) = full_resolved_day.calendar_date

),

final as (

    -- columns grouped by topic, not by complexity
    select  -- noqa: ST06

        ----------  ids
        ticket_id,

        ----------  state
        helpdesk_status,
        is_solved,
        not is_solved as has_open_wait_clock,
        submitted_at,

        ----------  AI draft (the workflow's RESPONSE_GENERATED)
        ai_draft_at,
        {{ minutes_between('submitted_at', 'ai_draft_at') }} as ai_draft_calendar_minutes,
        {{ business_minutes_between('submitted_offset', 'ai_draft_offset') }} as ai_draft_business_minutes,

        ----------  replies (ticket_reply_times)
        first_agent_reply_at,
        first_agent_reply_calendar_minutes,
        first_agent_reply_business_minutes,
        answered_next_reply_count,
        unanswered_reply_count,
        median_next_reply_calendar_minutes,
        median_next_reply_business_minutes,
        max_next_reply_calendar_minutes,
        max_next_reply_business_minutes,

        ----------  conversation counts
        cast(agent_reply_count as integer) as agent_reply_count,
        cast(internal_note_count as integer) as internal_note_count,
        cast(requester_reply_count as integer) as requester_reply_count,
        cast(agent_reply_count + internal_note_count as integer) as agent_touch_count,
        cast(reassignment_count as integer) as reassignment_count,
        cast(reopen_count as integer) as reopen_count,

        ----------  waits (int_ticket_status_intervals)
        requester_wait_calendar_minutes,
        requester_wait_business_minutes,
        agent_wait_calendar_minutes,
        agent_wait_business_minutes,
        on_hold_calendar_minutes,
        on_hold_business_minutes,
        cast(pending_count as integer) as pending_count,
        cast(on_hold_count as integer) as on_hold_count,

        ----------  resolution
        first_solved_at,
        full_resolved_at,
        {{ minutes_between('submitted_at', 'first_solved_at') }} as first_resolution_calendar_minutes,
        {{ business_minutes_between('submitted_offset', 'first_solved_offset') }}
            as first_resolution_business_minutes,
        {{ minutes_between('submitted_at', 'full_resolved_at') }} as full_resolution_calendar_minutes,
        {{ business_minutes_between('submitted_offset', 'full_resolved_offset') }}
            as full_resolution_business_minutes,

        ----------  touch-based resolution flags (public agent replies)
        is_solved and agent_reply_count = 1 as is_one_touch_resolution,
        is_solved and agent_reply_count = 2 as is_two_touch_resolution,
        is_solved and agent_reply_count > 2 as is_multi_touch_resolution,
        is_solved and agent_reply_count = 0 and ai_draft_at is not null as is_ai_draft_accepted_resolution,

        ----------  provenance
        last_loaded_at

    from offsets

)

select * from final
