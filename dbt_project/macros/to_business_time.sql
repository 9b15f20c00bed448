{#
    to_business_time(ts): a naive-UTC timestamp expression as naive local time in the
    business_timezone var (an IANA name), for business-hour arithmetic on wall-clock times.
    With business_timezone = UTC the expression is returned unchanged.
      - DuckDB, Postgres: (ts at time zone 'UTC') at time zone '<tz>'  (DuckDB: ICU extension)
      - Redshift:         convert_timezone('UTC', '<tz>', ts)
#}
{% macro to_business_time(ts) -%}
    {%- set tz = var('business_timezone', 'UTC') | trim -%}
    {%- if tz | upper in ('UTC', 'ETC/UTC', 'GMT') -%}
        {{ ts }}
    {%- else -%}
        {{ return(adapter.dispatch('to_business_time', 'ticket_platform')(ts, tz)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__to_business_time(ts, tz) -%}
    cast(({{ ts }} at time zone 'UTC') at time zone '{{ tz }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro redshift__to_business_time(ts, tz) -%}
    convert_timezone('UTC', '{{ tz }}', {{ ts }})
{%- endmacro %}
