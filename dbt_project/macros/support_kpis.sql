{#
    support_kpis(): the headline KPI columns over a set of ticket_metrics rows, as aggregates
    (ticket_summary selects them over everything, ticket_breakdowns per dimension value).
    Every column is null-safe over an outer join (ticket_summary joins periods without
    tickets): counts are 0, rates and medians null. The rows must come from
    support_kpi_rows() (below), which adds what the medians need on Redshift. Durations are medians. Rates divide by the tickets the rate is about, null when none:
      * sla_breach_rate: tickets with a breached help-desk SLA (ticket_metrics.is_sla_breached,
        not the processing SLA of fct_tickets) / tickets whose SLA outcome is known
        (breached, or every clock stopped in time); an open, not yet breached ticket is not
        counted either way.
      * reopen_rate: reopened / tickets resolved at least once.
      * csat: ratings of 4 or 5 / ratings (the usual CSAT definition).
      * escalation_rate: escalated / all tickets.
      * judge_pass_rate: tickets whose response passed every judge / tickets judged.
#}
{% macro support_kpis() -%}
    cast(count(ticket_id) as {{ dbt.type_bigint() }}) as ticket_count,
    cast(coalesce(sum(case when is_resolved then 1 else 0 end), 0) as {{ dbt.type_bigint() }}) as solved_count,
    cast(coalesce(sum(case when not is_resolved then 1 else 0 end), 0) as {{ dbt.type_bigint() }}) as open_count,
    {{ kpi_median('first_response_calendar_minutes') }} as median_first_response_minutes,
    {{ kpi_median('first_response_business_minutes') }} as median_first_response_business_minutes,
    {{ kpi_median('resolution_calendar_minutes') }} as median_resolution_minutes,
    {{ kpi_median('resolution_business_minutes') }} as median_resolution_business_minutes,
    cast(coalesce(sum(case when is_sla_breached then 1 else 0 end), 0) as {{ dbt.type_bigint() }}) as sla_breached_count,
    {{ kpi_rate(
        'case when is_sla_breached then 1 else 0 end',
        'case when is_sla_breached or not has_open_sla_clock then 1 else 0 end'
    ) }} as sla_breach_rate,
    {{ kpi_rate(
        'case when is_first_response_sla_breached then 1 else 0 end',
        'case when is_first_response_sla_breached or first_response_calendar_minutes is not null then 1 else 0 end'
    ) }} as first_response_sla_breach_rate,
    {{ kpi_rate(
        'case when is_resolution_sla_breached then 1 else 0 end',
        'case when is_resolution_sla_breached or resolution_calendar_minutes is not null then 1 else 0 end'
    ) }} as resolution_sla_breach_rate,
    {{ kpi_rate(
        'case when is_reopened and resolution_count > 0 then 1 else 0 end',
        'case when resolution_count > 0 then 1 else 0 end'
    ) }}
    as reopen_rate,
    cast(count(satisfaction_rating) as {{ dbt.type_bigint() }}) as rated_count,
    {{ kpi_rate('case when is_satisfied then 1 else 0 end', 'case when satisfaction_rating is not null then 1 else 0 end') }}
    as csat,
    avg(cast(satisfaction_rating as double precision)) as average_satisfaction_rating,
    {{ kpi_rate('case when is_escalated then 1 else 0 end', 'case when ticket_id is not null then 1 else 0 end') }}
    as escalation_rate,
    cast(count(is_judge_passed) as {{ dbt.type_bigint() }}) as judged_count,
    {{ kpi_rate('case when is_judge_passed then 1 else 0 end', 'case when is_judge_passed is not null then 1 else 0 end') }}
    as judge_pass_rate,
    {{ kpi_rate(
        'case when lifecycle_anomaly_count > 0 then 1 else 0 end',
        'case when ticket_id is not null then 1 else 0 end'
    ) }} as lifecycle_anomaly_rate
{%- endmacro %}

{#- kpi_rate(numerator, denominator): sum(numerator) / sum(denominator) as a double, null when 0. -#}
{% macro kpi_rate(numerator, denominator) -%}
    cast(sum({{ numerator }}) as double precision) / nullif(sum({{ denominator }}), 0)
{%- endmacro %}

{#-
    The four duration medians of support_kpis(), and the rows they are computed from.
    Redshift refuses several MEDIAN aggregates over different columns in one statement ("within
    group ORDER BY clauses for aggregate functions must be the same",
    https://docs.aws.amazon.com/redshift/latest/dg/r_MEDIAN.html). On Redshift, support_kpi_rows()
    therefore adds each median as a MEDIAN window function partitioned by the group
    (https://docs.aws.amazon.com/redshift/latest/dg/r_WF_MEDIAN.html, which allows only
    PARTITION BY in OVER), and kpi_median() takes that per-group value with max(). Elsewhere
    support_kpi_rows() passes the rows through and kpi_median() is the median aggregate, so DuckDB
    and PostgreSQL compute exactly what they did before.
-#}
{#- support_kpi_rows(relation, partition_by): a select of the rows of `relation` to aggregate
    with support_kpis(), grouped by the comma-separated columns `partition_by`. -#}
{% macro support_kpi_rows(relation, partition_by) -%}
    {{ return(adapter.dispatch('support_kpi_rows', 'ticket_platform')(relation, partition_by)) }}
{%- endmacro %}

{% macro default__support_kpi_rows(relation, partition_by) -%}
    select * from {{ relation }}
{%- endmacro %}

{% macro redshift__support_kpi_rows(relation, partition_by) -%}
    select
        {{ relation }}.*,
        median(first_response_calendar_minutes) over (partition by {{ partition_by }})
        as kpi_median__first_response_calendar_minutes,
        median(first_response_business_minutes) over (partition by {{ partition_by }})
        as kpi_median__first_response_business_minutes,
        median(resolution_calendar_minutes) over (partition by {{ partition_by }})
        as kpi_median__resolution_calendar_minutes,
        median(resolution_business_minutes) over (partition by {{ partition_by }})
        as kpi_median__resolution_business_minutes
    from {{ relation }}
{%- endmacro %}

{#- kpi_median(column): the median of `column` over the group, on rows of support_kpi_rows(). -#}
{% macro kpi_median(column) -%}
    {{ return(adapter.dispatch('kpi_median', 'ticket_platform')(column)) }}
{%- endmacro %}

{% macro default__kpi_median(column) -%}
    {{ median(column) }}
{%- endmacro %}

{% macro redshift__kpi_median(column) -%}
    max(kpi_median__{{ column }})
{%- endmacro %}
