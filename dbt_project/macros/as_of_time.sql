{#
    as_of_time(): the time at which open SLA clocks and the backlog are evaluated, as a naive
    UTC timestamp: the `as_of` var when set (tests, reproducible rebuilds), else utc_now().
#}
{% macro as_of_time() -%}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of -%}
        cast('{{ as_of }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        {{ utc_now() }}
    {%- endif -%}
{%- endmacro %}
