{#
    date_spine(start_date, end_date): a select of one row per date from start_date to end_date
    (inclusive, ISO date strings), in a column `calendar_date`. Portable: the days come from a
    cross join of five digit tables (up to 100,000 days), not generate_series, which Redshift
    lacks for tables, and without a WITH clause, so it can sit in a CTE or a subquery.
#}
{% macro date_spine(start_date, end_date) -%}
    {%- set start_expr = "cast('" ~ start_date ~ "' as date)" -%}
    {%- set end_expr = "cast('" ~ end_date ~ "' as date)" -%}
    {%- set digits -%}
        (
            select 0 as d union all select 1 union all select 2 union all select 3
            union all select 4 union all select 5 union all select 6 union all select 7
            union all select 8 union all select 9
        )
    {%- endset -%}
    select cast({{ dbt.dateadd('day', 'spine.day_number', start_expr) }} as date) as calendar_date
    from (
        select ones.d + 10 * tens.d + 100 * hundreds.d + 1000 * thousands.d + 10000 * myriads.d
            as day_number
        from {{ digits }} as ones
        cross join {{ digits }} as tens
        cross join {{ digits }} as hundreds
        cross join {{ digits }} as thousands
        cross join {{ digits }} as myriads
    ) as spine
    where spine.day_number <= {{ dbt.datediff(start_expr, end_expr, 'day') }}
{%- endmacro %}
