{#-
    HIGH-priority tickets per submission day, judge and rubric version: how many were evaluated
    and how many of those fail at least one criterion. Failed and deferred rows have no verdict:
    they are counted in not_evaluated_count, never as failures.
-#}
with

high_priority as (

    select * from {{ ref('fct_response_evaluations') }}
    where priority = 'HIGH'

),

counts as (

    select
        submitted_date,
        judge,
        rubric_version,

        cast(count(*) as {{ dbt.type_bigint() }}) as ticket_count,
        cast(sum(case when is_evaluated then 1 else 0 end) as {{ dbt.type_bigint() }}) as evaluated_count,
        cast(
            sum(case when not is_evaluated then 1 else 0 end) as {{ dbt.type_bigint() }}
        ) as not_evaluated_count,
        cast(
            sum(case when is_evaluated and not all_passed then 1 else 0 end) as {{ dbt.type_bigint() }}
        ) as failing_count

    from high_priority

    group by
        submitted_date,
        judge,
        rubric_version

),

shares as (

    select
        *,
        cast(failing_count as double precision) / nullif(evaluated_count, 0) as failing_share

    from counts

)

select * from shares
