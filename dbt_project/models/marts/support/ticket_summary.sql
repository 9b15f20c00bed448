{#-
    The headline KPIs (macros/support_kpis.sql) over three periods of submission, relative to
    as_of_time() (tickets submitted after it are left out): all time, the last 30 days and the last 7 days (today included). Every period
    has its row, with zero counts and null rates when it has no tickets.
-#}
with

tickets as (

    select * from {{ ref('ticket_metrics') }}

),

periods as (

    select
        'all_time' as summary_period,
        1 as period_order,
        cast(null as integer) as period_days
    union all
    select
        'last_30_days' as summary_period,
        2 as period_order,
        30 as period_days
    union all
    select
        'last_7_days' as summary_period,
        3 as period_order,
        7 as period_days

),

windows as (

    select
        summary_period,
        period_order,
        case
            when period_days is not null
                then cast({{ dbt.dateadd('day', '1 - period_days', 'cast(' ~ as_of_time() ~ ' as date)') }} as date)
        end as period_start,
        cast({{ as_of_time() }} as date) as period_end

    from periods

),

joined as (

    select
        tickets.*,
        windows.summary_period,
        windows.period_order,
        windows.period_start,
        windows.period_end

    from windows

    left join tickets
        on
            (windows.period_start is null or windows.period_start <= tickets.submitted_date)
            and windows.period_end >= tickets.submitted_date

),

kpi_rows as (

    {{ support_kpi_rows('joined', 'summary_period') }}

),

summary as (

    select
        summary_period,
        period_order,
        coalesce(period_start, min(submitted_date)) as period_start,
        period_end,
        {{ support_kpis() }}

    from kpi_rows

    group by
        summary_period,
        period_order,
        period_start,
        period_end

)

select * from summary
