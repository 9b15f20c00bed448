{#-
    Long format: one row per submission day, judge, rubric version, dimension and value. Each
    evaluation appears once per dimension (cross join); `overall` has the single value 'all'.
    A pass rate is passes / evaluated rows: failed and deferred rows count in neither (they are
    counted in failed_count / deferred_count); it is null when nothing was evaluated.
-#}
with

evaluations as (

    select * from {{ ref('fct_response_evaluations') }}

),

dimensions as (

    select cast('overall' as varchar(32)) as dimension
    union all
    select cast('product' as varchar(32)) as dimension
    union all
    select cast('issue_type' as varchar(32)) as dimension
    union all
    select cast('priority' as varchar(32)) as dimension
    union all
    select cast('sentiment' as varchar(32)) as dimension
    union all
    select cast('team' as varchar(32)) as dimension

),

by_dimension as (

    select
        evaluations.submitted_date,
        evaluations.judge,
        evaluations.rubric_version,
        dimensions.dimension,
        evaluations.status,
        evaluations.is_evaluated,
        evaluations.contextual_relevance,
        evaluations.technical_accuracy,
        evaluations.professional_tone,
        evaluations.actionable_guidance,
        evaluations.all_passed,
        -- a ticket missing from fct_tickets has no breakdown values: 'unknown'
        cast(
            coalesce(
                case dimensions.dimension
                    when 'overall' then 'all'
                    when 'product' then evaluations.product
                    when 'issue_type' then evaluations.issue_type
                    when 'priority' then evaluations.priority
                    when 'sentiment' then evaluations.sentiment
                    when 'team' then evaluations.team
                end,
                'unknown'
            ) as varchar(1024)
        ) as dimension_value

    from evaluations

    cross join dimensions

),

counts as (

    select
        submitted_date,
        judge,
        rubric_version,
        dimension,
        dimension_value,

        ----------  evaluations by status
        cast(count(*) as {{ dbt.type_bigint() }}) as evaluation_count,
        cast(sum(case when is_evaluated then 1 else 0 end) as {{ dbt.type_bigint() }}) as evaluated_count,
        cast(sum(case when status = 'failed' then 1 else 0 end) as {{ dbt.type_bigint() }}) as failed_count,
        cast(sum(case when status = 'deferred' then 1 else 0 end) as {{ dbt.type_bigint() }}) as deferred_count,

        ----------  passes, among evaluated rows only
        cast(
            sum(case when is_evaluated and contextual_relevance then 1 else 0 end) as {{ dbt.type_bigint() }}
        ) as contextual_relevance_passed_count,
        cast(
            sum(case when is_evaluated and technical_accuracy then 1 else 0 end) as {{ dbt.type_bigint() }}
        ) as technical_accuracy_passed_count,
        cast(
            sum(case when is_evaluated and professional_tone then 1 else 0 end) as {{ dbt.type_bigint() }}
        ) as professional_tone_passed_count,
        cast(
            sum(case when is_evaluated and actionable_guidance then 1 else 0 end) as {{ dbt.type_bigint() }}
        ) as actionable_guidance_passed_count,
        cast(
            sum(case when is_evaluated and all_passed then 1 else 0 end) as {{ dbt.type_bigint() }}
        ) as all_criteria_passed_count

    from by_dimension

    group by
        submitted_date,
        judge,
        rubric_version,
        dimension,
        dimension_value

),

rates as (

    select
        *,
        cast(contextual_relevance_passed_count as double precision)
        / nullif(evaluated_count, 0) as contextual_relevance_pass_rate,
        cast(technical_accuracy_passed_count as double precision)
        / nullif(evaluated_count, 0) as technical_accuracy_pass_rate,
        cast(professional_tone_passed_count as double precision)
        / nullif(evaluated_count, 0) as professional_tone_pass_rate,
        cast(actionable_guidance_passed_count as double precision)
        / nullif(evaluated_count, 0) as actionable_guidance_pass_rate,
        cast(all_criteria_passed_count as double precision)
        / nullif(evaluated_count, 0) as all_criteria_pass_rate

    from counts

)

select * from rates
