{#-
    One row per partition day, model version and team: how often the team was the actual team
    and the predicted team of the day's tickets under that model version, how many of those
    predictions were right, and recall / precision. Each judged prediction counts once on the
    actual team's row (tickets_actual, tickets_correct) and once on the predicted team's row
    (tickets_predicted): overall accuracy is sum(tickets_correct) / sum(tickets_actual).
-#}
with

routes as (

    select * from {{ ref('fct_ticket_routes') }}

),

model_versions as (

    select * from {{ ref('stg_routing_model_versions') }}

),

team_roles as (

    -- each judged prediction as its actual team ...
    select
        partition_date,
        model_version,
        actual_team as team,
        1 as is_actual,
        0 as is_predicted,
        case when is_correct then 1 else 0 end as is_correct,
        case when actual_team_source = 'correction' then 1 else 0 end as is_corrected,
        cast(null as double precision) as predicted_probability

    from routes

    where actual_team is not null

    union all

    -- ... and each prediction as its predicted team
    select
        partition_date,
        model_version,
        predicted_team as team,
        0 as is_actual,
        1 as is_predicted,
        0 as is_correct,
        0 as is_corrected,
        probability as predicted_probability

    from routes

),

counts as (

    select
        partition_date,
        model_version,
        team,
        cast(sum(is_actual) as {{ dbt.type_bigint() }}) as tickets_actual,
        cast(sum(is_predicted) as {{ dbt.type_bigint() }}) as tickets_predicted,
        cast(sum(is_correct) as {{ dbt.type_bigint() }}) as tickets_correct,
        cast(sum(is_corrected) as {{ dbt.type_bigint() }}) as tickets_corrected,
        avg(predicted_probability) as mean_probability

    from team_roles

    group by
        partition_date,
        model_version,
        team

),

final as (

    -- the count columns before their rates, not by complexity
    select  -- noqa: ST06
        counts.partition_date,
        counts.model_version,
        counts.team,
        counts.tickets_actual,
        counts.tickets_predicted,
        counts.tickets_correct,
        counts.tickets_corrected,
        cast(counts.tickets_correct as double precision)
        / nullif(counts.tickets_actual, 0) as recall,
        -- the usual name of the metric; `precision` is a non-reserved keyword on every engine
        cast(counts.tickets_correct as double precision)
        / nullif(counts.tickets_predicted, 0) as precision,  -- noqa: RF04
        counts.mean_probability,
        coalesce(model_versions.is_promoted, false) as is_promoted_model

    from counts

    left join model_versions
        on counts.model_version = model_versions.model_version

)

select * from final
