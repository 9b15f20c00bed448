{#
    utc_now(): the current time as a naive (time-zone-less) timestamp in UTC, comparable with
    the naive-UTC timestamps of raw.tickets whatever the session time zone is.
      - DuckDB:   now() is a TIMESTAMP WITH TIME ZONE; convert it to naive UTC
      - Postgres: now() at time zone 'utc'
      - Redshift: getdate() is already naive UTC
#}
{% macro utc_now() -%}
    {{ return(adapter.dispatch('utc_now', 'ticket_platform')()) }}
{%- endmacro %}

{% macro default__utc_now() -%}
    cast(current_timestamp at time zone 'utc' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__utc_now() -%}
    cast(timezone('UTC', now()) as timestamp)
{%- endmacro %}

{% macro postgres__utc_now() -%}
    cast(now() at time zone 'utc' as timestamp)
{%- endmacro %}

{% macro redshift__utc_now() -%}
    getdate()
{%- endmacro %}
