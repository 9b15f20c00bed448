{#-
    One row per requester message that waits for a person's reply: the submission (reply 1,
    answered by the first agent reply) and each RequesterReplied that follows an agent reply,
    with the next AgentReplied (null while unanswered) and the wait in calendar and business
    minutes. Further requester messages before the agent answers join the same wait
    (follow_up_message_count): the requester waits once, from their first unanswered message.
    The AI draft (RESPONSE_GENERATED) is not a reply here: it is measured in
    ticket_conversation_metrics.
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

messages as (

    select
        events.event_id,
        events.ticket_id,
        events.milestone,
        events.occurred_at,
        events.agent,
        events.team,
        rules.stage_order,
        row_number() over (
            partition by events.ticket_id, events.milestone
            order by events.occurred_at, events.event_id
        ) as occurrence_number

    from events

    left join rules
        on events.milestone = rules.milestone

    where events.milestone in ('SUBMITTED', 'REQUESTER_REPLIED', 'AGENT_REPLIED')

),

conversation as (

    -- a repeated submission is not a second message
    select
        messages.*,
        row_number() over (
            partition by messages.ticket_id
            order by messages.occurred_at, messages.stage_order, messages.event_id
        ) as message_number

    from messages

    where messages.milestone <> 'SUBMITTED' or messages.occurrence_number = 1

),

opened as (

    select
        conversation.*,
        case
            when conversation.milestone = 'AGENT_REPLIED' then 0
            when
                lag(conversation.milestone) over (
                    partition by conversation.ticket_id order by conversation.message_number
                ) = 'AGENT_REPLIED'
                then 1
            when conversation.message_number = 1 then 1
            else 0
        end as opens_wait

    from conversation

),

numbered as (

    -- each message belongs to the latest wait opened at or before it (0: before any)
    select
        opened.*,
        sum(opened.opens_wait) over (
            partition by opened.ticket_id
            order by opened.message_number
            rows between unbounded preceding and current row
        ) as reply_number

    from opened

),

waits as (

    select
        ticket_id,
        reply_number,
        max(case when opens_wait = 1 then message_number end) as opening_message_number,
        sum(case when milestone <> 'AGENT_REPLIED' then 1 else 0 end) - 1 as follow_up_message_count,
        min(case when milestone = 'AGENT_REPLIED' then message_number end) as reply_message_number

    from numbered

    where reply_number > 0

    group by ticket_id, reply_number

),

paired as (

    select
        waits.ticket_id,
        waits.reply_number,
        waits.follow_up_message_count,
        opening.event_id as requester_message_event_id,
        opening.milestone as requester_message_milestone,
        opening.occurred_at as requester_message_at,
        reply.event_id as agent_reply_event_id,
        reply.occurred_at as agent_replied_at,
        reply.agent as replying_agent,
        reply.team as replying_team,
        reply.event_id is not null as is_answered,
        case
            when reply.occurred_at is not null then reply.occurred_at
            when {{ as_of_time() }} > opening.occurred_at then {{ as_of_time() }}
            else opening.occurred_at
        end as measured_until

    from waits

    inner join numbered as opening
        on
            waits.ticket_id = opening.ticket_id
            and waits.opening_message_number = opening.message_number

    left join numbered as reply
        on
            waits.ticket_id = reply.ticket_id
            and waits.reply_message_number = reply.message_number

),

local_times as (

    select
        paired.*,
        {{ to_business_time('paired.requester_message_at') }} as local_requester_message_at,
        {{ to_business_time('paired.measured_until') }} as local_measured_until

    from paired

),

measured as (

    select
        local_times.*,
        {{ minutes_between('local_times.requester_message_at', 'local_times.measured_until') }}
            as elapsed_calendar_minutes,
        {{ business_minutes_between(
            business_minute_offset('local_times.local_requester_message_at', 'message_day'),
            business_minute_offset('local_times.local_measured_until', 'until_day')
        ) }} as elapsed_business_minutes

    from local_times

    left join calendar as message_day
        on cast(local_times.local_requester_message_at as date) = message_day.calendar_date

    left join calendar as until_day
        on cast(local_times.local_measured_until as date) = until_day.calendar_date

),

final as (

    select

        ----------  ids
        ticket_id || ':' || cast(reply_number as {{ dbt.type_string() }}) as reply_time_id,
        ticket_id,
        reply_number,
        reply_number = 1 as is_first_reply,

        ----------  requester message
        requester_message_at,
        requester_message_event_id,
        case requester_message_milestone
            when 'SUBMITTED' then 'submission'
            else 'requester_reply'
        end as requester_message_kind,
        follow_up_message_count,

        ----------  agent reply
        is_answered,
        agent_replied_at,
        agent_reply_event_id,
        replying_agent,
        replying_team,

        ----------  wait
        case when is_answered then elapsed_calendar_minutes end as reply_calendar_minutes,
        case when is_answered then elapsed_business_minutes end as reply_business_minutes,
        measured_until,
        elapsed_calendar_minutes,
        elapsed_business_minutes

    from measured

)

select * from final
