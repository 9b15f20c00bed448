{#
    median(expression): the continuous median (50th percentile, interpolated) of an expression,
    as an aggregate. Nulls are ignored.
      - DuckDB:   median(x)  (= quantile_cont(x, 0.5))
      - Postgres: percentile_cont(0.5) within group (order by x)
      - Redshift: median(x)
#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'ticket_platform')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro postgres__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro redshift__median(expression) -%}
    median({{ expression }})
{%- endmacro %}
