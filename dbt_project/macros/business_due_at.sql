{#
    Business-clock due times: the instant a clock that started at a given business offset
    reaches a target of business minutes. Offsets are business minutes since the start of
    int_business_calendar (business_minutes_before of a day plus the part of its business hours
    elapsed; see sla_events). Every business day has the same business minutes
    (business_day_end_hour - business_day_start_hour) x 60, so the business day on which an
    offset is reached is found with an equi-join, no range join:

        left join calendar as due_day
            on due_day.is_business_day
            and due_day.business_minutes_before = {{ business_day_before(due_offset) }}

    business_day_before(offset): the business_minutes_before of the business day on which the
    (positive) offset is reached. An offset reached exactly at a day's closing time belongs to
    that day (its closing time), not to the next day's opening.

    business_offset_to_local(offset, calendar_day): the wall-clock time (business_timezone) at
    which the offset is reached on `calendar_day` (the alias joined as above), to the
    millisecond.

    from_business_time(ts): a naive wall-clock time in business_timezone as naive UTC, the
    inverse of to_business_time.
      - DuckDB, Postgres: (ts at time zone '<tz>') at time zone 'UTC'
      - Redshift:         convert_timezone('<tz>', 'UTC', ts)
#}
{% macro business_day_minutes() -%}
    {{ return((var('business_day_end_hour') | int - var('business_day_start_hour') | int) * 60) }}
{%- endmacro %}

{% macro business_day_before(offset) -%}
    {%- set day_minutes = business_day_minutes() -%}
    ((cast(ceil(({{ offset }}) / {{ day_minutes }}.0) as integer) - 1) * {{ day_minutes }})
{%- endmacro %}

{% macro business_offset_to_local(offset, calendar_day) -%}
    {{ dbt.dateadd(
        'millisecond',
        'cast(round(((' ~ offset ~ ') - ' ~ calendar_day ~ '.business_minutes_before) * 60000) as '
            ~ dbt.type_bigint() ~ ')',
        calendar_day ~ '.business_opens_at'
    ) }}
{%- endmacro %}

{% macro from_business_time(ts) -%}
    {%- set tz = var('business_timezone', 'UTC') | trim -%}
    {%- if tz | upper in ('UTC', 'ETC/UTC', 'GMT') -%}
        {{ ts }}
    {%- else -%}
        {{ return(adapter.dispatch('from_business_time', 'ticket_platform')(ts, tz)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__from_business_time(ts, tz) -%}
    cast((({{ ts }}) at time zone '{{ tz }}') at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro redshift__from_business_time(ts, tz) -%}
    convert_timezone('{{ tz }}', 'UTC', ({{ ts }}))
{%- endmacro %}
