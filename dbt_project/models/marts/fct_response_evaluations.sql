{#-
    Every evaluation row (evaluated, failed, deferred) with the ticket's facts. Pass rates must
    count evaluated rows only: filter on is_evaluated (the verdict columns are null otherwise).
-#}
with

evaluations as (

    select * from {{ ref('stg_response_evaluations') }}

),

tickets as (

    select * from {{ ref('fct_tickets') }}

),

product_teams as (

    select * from {{ ref('product_teams') }}

),

joined as (

    -- columns grouped by topic (as in stg_tickets), not by complexity
    select  -- noqa: ST06

        ----------  ids
        evaluations.ticket_id,
        evaluations.judge,
        evaluations.judge_kind,
        evaluations.judge_model,
        evaluations.rubric_version,
        evaluations.prompt_version,

        ----------  ticket (null when the ticket is missing from fct_tickets)
        -- the evaluation's partition is the UTC day of submitted_at, the same day
        coalesce(tickets.submitted_date, evaluations.partition_date) as submitted_date,
        tickets.submitted_at,
        tickets.product,
        tickets.issue_type,
        tickets.priority,
        tickets.sentiment,
        -- products missing from the seed belong to the platform's routing default
        case
            when tickets.product is not null then coalesce(product_teams.team, 'general support')
        end as team,
        tickets.record_source,

        ----------  outcome
        evaluations.status,
        evaluations.is_evaluated,
        evaluations.error,
        evaluations.attempts,

        ----------  verdict (null unless evaluated)
        evaluations.contextual_relevance,
        evaluations.technical_accuracy,
        evaluations.professional_tone,
        evaluations.actionable_guidance,
        evaluations.all_passed,
        case
            when evaluations.is_evaluated
                then
                    case when evaluations.contextual_relevance then 0 else 1 end
                    + case when evaluations.technical_accuracy then 0 else 1 end
                    + case when evaluations.professional_tone then 0 else 1 end
                    + case when evaluations.actionable_guidance then 0 else 1 end
        end as failed_criteria_count,
        evaluations.contextual_relevance_reasoning,
        evaluations.technical_accuracy_reasoning,
        evaluations.professional_tone_reasoning,
        evaluations.actionable_guidance_reasoning,
        evaluations.steering_attempt,
        evaluations.flags,
        evaluations.flag_count,

        ----------  cost
        evaluations.latency_ms,
        evaluations.input_tokens,
        evaluations.output_tokens,
        evaluations.cost_usd,

        ----------  provenance
        evaluations.evaluated_at,
        evaluations.run_id

    from evaluations

    left join tickets
        on evaluations.ticket_id = tickets.ticket_id

    left join product_teams
        on tickets.product = product_teams.product

)

select * from joined
