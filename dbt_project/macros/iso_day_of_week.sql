{#
    ISO day of week of a date or timestamp expression: 1 = Monday ... 7 = Sunday.
    Engines differ, so the macro dispatches:
      - DuckDB:   isodow(ts)
      - Postgres: extract(isodow from ts)
      - Redshift: date_part(dow, ts) counts 0 = Sunday .. 6 = Saturday, so it is shifted.
#}
{% macro iso_day_of_week(ts) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'ticket_platform')(ts)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(ts) -%}
    cast(extract(isodow from {{ ts }}) as integer)
{%- endmacro %}

{% macro duckdb__iso_day_of_week(ts) -%}
    cast(isodow({{ ts }}) as integer)
{%- endmacro %}

{% macro postgres__iso_day_of_week(ts) -%}
    cast(extract(isodow from {{ ts }}) as integer)
{%- endmacro %}

{% macro redshift__iso_day_of_week(ts) -%}
    ((cast(date_part(dow, {{ ts }}) as integer) + 6) % 7 + 1)
{%- endmacro %}
