-- routing_quality must account for every prediction of fct_ticket_routes: per partition day and
-- model version, sum(tickets_correct) is the number of right predictions (is_correct), and the
-- actual and predicted tickets add up to the judged and all predictions. Every row returned is a
-- failure.
with

facts as (

    select
        partition_date,
        model_version,
        sum(case when is_correct then 1 else 0 end) as correct_count,
        sum(case when actual_team is not null then 1 else 0 end) as judged_count,
        count(*) as prediction_count

    from {{ ref('fct_ticket_routes') }}
    group by partition_date, model_version

),

quality as (

    select
        partition_date,
        model_version,
        sum(tickets_correct) as correct_count,
        sum(tickets_actual) as judged_count,
        sum(tickets_predicted) as prediction_count

    from {{ ref('routing_quality') }}
    group by partition_date, model_version

),

compared as (

    select
        facts.correct_count as fct_correct_count,
        quality.correct_count as quality_correct_count,
        facts.judged_count as fct_judged_count,
        quality.judged_count as quality_judged_count,
        facts.prediction_count as fct_prediction_count,
        quality.prediction_count as quality_prediction_count,
        coalesce(facts.partition_date, quality.partition_date) as partition_date,
        coalesce(facts.model_version, quality.model_version) as model_version

    from facts
    full outer join quality
        on
            facts.partition_date = quality.partition_date
            and facts.model_version = quality.model_version

)

select * from compared
where
    fct_correct_count is null
    or quality_correct_count is null
    or fct_correct_count <> quality_correct_count
    or fct_judged_count <> quality_judged_count
    or fct_prediction_count <> quality_prediction_count
