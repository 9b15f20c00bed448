-- Every dimension of evaluation_daily_pass_rates (overall included) splits the evaluations of
-- fct_response_evaluations exactly once: per day, judge and rubric version, the counts of each
-- dimension sum to the counts of the fact table. Every row returned is a failure.
with

names as (

    select 'overall' as dimension
    union all
    select 'product' as dimension
    union all
    select 'issue_type' as dimension
    union all
    select 'priority' as dimension
    union all
    select 'sentiment' as dimension
    union all
    select 'team' as dimension

),

facts as (

    select
        submitted_date,
        judge,
        rubric_version,
        count(*) as evaluation_count,
        sum(case when is_evaluated then 1 else 0 end) as evaluated_count,
        sum(case when is_evaluated and all_passed then 1 else 0 end) as all_criteria_passed_count

    from {{ ref('fct_response_evaluations') }}
    group by submitted_date, judge, rubric_version

),

dimensions as (

    select
        submitted_date,
        judge,
        rubric_version,
        dimension,
        sum(evaluation_count) as evaluation_count,
        sum(evaluated_count) as evaluated_count,
        sum(all_criteria_passed_count) as all_criteria_passed_count

    from {{ ref('evaluation_daily_pass_rates') }}
    group by submitted_date, judge, rubric_version, dimension

),

expected as (

    select
        facts.*,
        names.dimension

    from facts
    cross join names

)

select
    expected.submitted_date,
    expected.judge,
    expected.rubric_version,
    expected.dimension,
    expected.evaluation_count as fct_evaluation_count,
    dimensions.evaluation_count as rates_evaluation_count,
    expected.evaluated_count as fct_evaluated_count,
    dimensions.evaluated_count as rates_evaluated_count

from expected
left join dimensions
    on
        expected.submitted_date = dimensions.submitted_date
        and expected.judge = dimensions.judge
        and expected.rubric_version = dimensions.rubric_version
        and expected.dimension = dimensions.dimension
where
    dimensions.dimension is null
    or expected.evaluation_count <> dimensions.evaluation_count
    or expected.evaluated_count <> dimensions.evaluated_count
    or expected.all_criteria_passed_count <> dimensions.all_criteria_passed_count
