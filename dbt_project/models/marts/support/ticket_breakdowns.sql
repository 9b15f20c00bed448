{#-
    The headline KPIs of ticket_summary (macros/support_kpis.sql, all time) broken down by one
    dimension at a time: product, issue type, team, priority and sentiment. One row per
    dimension and value; filter on `dimension` before aggregating further.
-#}
with

tickets as (

    select * from {{ ref('ticket_metrics') }}

),

dimensions as (

    select 'product' as dimension
    union all
    select 'issue_type' as dimension
    union all
    select 'team' as dimension
    union all
    select 'priority' as dimension
    union all
    select 'sentiment' as dimension

),

unpivoted as (

    select
        tickets.*,
        dimensions.dimension,
        case dimensions.dimension
            when 'product' then tickets.product
            when 'issue_type' then tickets.issue_type
            when 'team' then tickets.team
            when 'priority' then tickets.priority
            when 'sentiment' then tickets.sentiment
        end as dimension_value

    from tickets

    cross join dimensions

),

kpi_rows as (

    {{ support_kpi_rows('unpivoted', 'dimension, dimension_value') }}

),

breakdowns as (

    select
        dimension,
        dimension_value,
        {{ support_kpis() }}

    from kpi_rows

    group by dimension, dimension_value

)

select * from breakdowns
