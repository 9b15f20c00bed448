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
      * one_touch_resolution_rate, ai_draft_accepted_rate: tickets solved with exactly one
        public agent reply / with none (the AI draft answered) over tickets whose help-desk
        status is solved (helpdesk_solved_count, ticket_conversation_metrics.is_solved).
    The conversation medians (ticket_conversation_metrics via ticket_metrics) are over the
    tickets that have the value: first agent reply over answered tickets, full resolution over
    solved tickets, requester wait over solved tickets only (an open ticket's wait still grows).
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
    ) }} as lifecycle_anomaly_rate,
    {{ kpi_median('first_agent_reply_calendar_minutes') }} as median_first_agent_reply_minutes,
    {{ kpi_median('first_agent_reply_business_minutes') }} as median_first_agent_reply_business_minutes,
    {{ kpi_median('full_resolution_calendar_minutes') }} as median_full_resolution_minutes,
    {{ kpi_median('full_resolution_business_minutes') }} as median_full_resolution_business_minutes,
    {{ kpi_median('solved_requester_wait_calendar_minutes') }} as median_requester_wait_minutes,
    {{ kpi_median('solved_requester_wait_business_minutes') }} as median_requester_wait_business_minutes,
    cast(
        coalesce(sum(case when helpdesk_status = 'solved' then 1 else 0 end), 0) as {{ dbt.type_bigint() }}
    ) as helpdesk_solved_count,
    {{ kpi_rate(
        'case when is_one_touch_resolution then 1 else 0 end',
        "case when helpdesk_status = 'solved' then 1 else 0 end"
    ) }} as one_touch_resolution_rate,
    {{ kpi_rate(
        'case when is_ai_draft_accepted_resolution then 1 else 0 end',
        "case when helpdesk_status = 'solved' then 1 else 0 end"
    ) }} as ai_draft_accepted_rate
{%- endmacro %}

{#- kpi_rate(numerator, denominator): sum(numerator) / sum(denominator) as a double, null when 0. -#}
{% macro kpi_rate(numerator, denominator) -%}
    cast(sum({{ numerator }}) as double precision) / nullif(sum({{ denominator }}), 0)
{%- endmacro %}

{#-
    The duration medians of support_kpis(), and the rows they are computed from.
    Redshift refuses several MEDIAN aggregates over different columns in one statement ("within
    group ORDER BY clauses for aggregate functions must be the same",
    https://docs.aws.amazon.com/redshift/latest/dg/r_MEDIAN.html). On Redshift, median_rows()
    therefore adds each median as a MEDIAN window function partitioned by the group
    (https://docs.aws.amazon.com/redshift/latest/dg/r_WF_MEDIAN.html, which allows only
    PARTITION BY in OVER), and group_median() takes that per-group value with max(). Elsewhere
    median_rows() passes the rows through and group_median() is the median aggregate.
    support_kpi_rows() / kpi_median() are these two for the KPI columns (kpi_median_columns()).
-#}
{#- kpi_median_columns(): what support_kpis() reports the median of: ticket_metrics columns, or
    [name, expression] pairs (the requester wait counts solved tickets only). -#}
{% macro kpi_median_columns() -%}
    {{ return([
        'first_response_calendar_minutes',
        'first_response_business_minutes',
        'resolution_calendar_minutes',
        'resolution_business_minutes',
        'first_agent_reply_calendar_minutes',
        'first_agent_reply_business_minutes',
        'full_resolution_calendar_minutes',
        'full_resolution_business_minutes',
        ['solved_requester_wait_calendar_minutes', "case when helpdesk_status = 'solved' then requester_wait_calendar_minutes end"],
        ['solved_requester_wait_business_minutes', "case when helpdesk_status = 'solved' then requester_wait_business_minutes end"],
    ]) }}
{%- endmacro %}

{#- support_kpi_rows(relation, partition_by): a select of the rows of `relation` to aggregate
    with support_kpis(), grouped by the comma-separated columns `partition_by`. -#}
{% macro support_kpi_rows(relation, partition_by) -%}
    {{ median_rows(relation, partition_by, kpi_median_columns()) }}
{%- endmacro %}

{#- kpi_median(column): the median of `column` (a name of kpi_median_columns()) over the group,
    on rows of support_kpi_rows(). -#}
{% macro kpi_median(column) -%}
    {%- set expression = namespace(value=column) -%}
    {%- for entry in kpi_median_columns() if entry is not string and entry[0] == column -%}
        {%- set expression.value = entry[1] -%}
    {%- endfor -%}
    {{ group_median(column, expression.value) }}
{%- endmacro %}

{#- median_rows(relation, partition_by, columns): a select of the rows of `relation` to
    aggregate with group_median() of each of `columns` (column names, or [name, expression]
    pairs), grouped by `partition_by`. -#}
{% macro median_rows(relation, partition_by, columns) -%}
    {{ return(adapter.dispatch('median_rows', 'ticket_platform')(relation, partition_by, columns)) }}
{%- endmacro %}

{% macro default__median_rows(relation, partition_by, columns) -%}
    select * from {{ relation }}
{%- endmacro %}

{% macro redshift__median_rows(relation, partition_by, columns) -%}
    {%- set medians = [] -%}
    {%- for column in columns -%}
        {%- set name = column if column is string else column[0] -%}
        {%- set expression = column if column is string else column[1] -%}
        {%- do medians.append(
            'median(' ~ expression ~ ') over (partition by ' ~ partition_by ~ ') as group_median__' ~ name
        ) -%}
    {%- endfor -%}
    select {{ relation }}.*, {{ medians | join(', ') }} from {{ relation }}
{%- endmacro %}

{#- group_median(column, expression): the median of `expression` (default: the column
    `column`) over the group, on rows of median_rows() given `column` (or [column, expression]). -#}
{% macro group_median(column, expression=none) -%}
    {{ return(adapter.dispatch('group_median', 'ticket_platform')(column, expression or column)) }}
{%- endmacro %}

{% macro default__group_median(column, expression) -%}
    {{ median(expression) }}
{%- endmacro %}

{% macro redshift__group_median(column, expression) -%}
    max(group_median__{{ column }})
{%- endmacro %}
