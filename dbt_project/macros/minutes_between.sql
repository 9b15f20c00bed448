{#
    minutes_between(start_ts, end_ts): the elapsed minutes from start_ts to end_ts as a double,
    to the millisecond (negative when end_ts is earlier). Null when either side is null.
#}
{% macro minutes_between(start_ts, end_ts) -%}
    cast({{ dbt.datediff(start_ts, end_ts, 'millisecond') }} / 60000.0 as double precision)
{%- endmacro %}
