{#
    add_business_days(ts, n): the timestamp `n` business days after `ts`.

    Business-day rule (used for the MEDIUM and NORMAL processing SLAs of int_tickets_sla):
      * Business days are Monday to Friday. Public holidays are not considered.
      * A timestamp on a Saturday or Sunday starts counting from the next Monday 00:00.
      * Adding one business day moves to the same time of day on the next business day,
        skipping Saturday and Sunday: Friday 20:54 + 2 = Tuesday 20:54;
        Thursday 10:00 + 2 = Monday 10:00; Saturday 10:00 + 2 = Wednesday 00:00.
      * `n` must be a non-negative integer (a literal or an integer expression).

    Computation: from a weekday start with ISO day of week d (1 = Monday .. 5 = Friday), the
    calendar days to add are  n + 2 * floor((d - 1 + n) / 5)  (two weekend days for every
    weekend crossed). Only the day-of-week function differs between engines, so the dispatch
    happens in iso_day_of_week(); this macro is itself dispatchable should an engine need it.
#}
{% macro add_business_days(ts, n) -%}
    {{ return(adapter.dispatch('add_business_days', 'ticket_platform')(ts, n)) }}
{%- endmacro %}

{% macro default__add_business_days(ts, n) -%}
    {%- set dow = ticket_platform.iso_day_of_week(ts) -%}
    {%- set start_ts -%}
        case
            when {{ dow }} >= 6
                then {{ dbt.dateadd('day', '8 - ' ~ dow, dbt.date_trunc('day', ts)) }}
            else {{ ts }}
        end
    {%- endset -%}
    {%- set start_dow -%}
        case when {{ dow }} >= 6 then 1 else {{ dow }} end
    {%- endset -%}
    {%- set calendar_days -%}
        ({{ n }}) + 2 * cast(floor(({{ start_dow }} - 1 + ({{ n }})) / 5.0) as integer)
    {%- endset -%}
    {{ dbt.dateadd('day', calendar_days, start_ts) }}
{%- endmacro %}
