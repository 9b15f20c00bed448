with

source as (

    select * from {{ source('evaluation', 'response_evaluations') }}

),

renamed as (

    -- columns grouped by topic (as in stg_tickets), not by complexity
    select  -- noqa: ST06

        ----------  ids
        trim(ticket_id) as ticket_id,
        judge,
        lower(trim(judge_kind)) as judge_kind,
        judge_model,
        rubric_version,
        prompt_version,
        partition_date,

        ----------  outcome
        lower(trim(status)) as status,
        lower(trim(status)) = 'evaluated' as is_evaluated,
        error,
        attempts,

        ----------  verdict (null unless evaluated)
        contextual_relevance,
        technical_accuracy,
        professional_tone,
        actionable_guidance,
        all_passed,
        contextual_relevance_reasoning,
        technical_accuracy_reasoning,
        professional_tone_reasoning,
        actionable_guidance_reasoning,
        steering_attempt,
        flags,
        flag_count,

        ----------  cost
        latency_ms,
        input_tokens,
        output_tokens,
        cost_usd,

        ----------  provenance
        cache_key,
        content_hash,
        evaluated_at,
        run_id

    from source

)

select * from renamed
