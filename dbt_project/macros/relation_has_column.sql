{#
    relation_has_column(relation, column): true when the existing `relation` has a column named
    `column` (case-insensitive). For an incremental model whose new columns an older build of
    its table lacks: `{{ this }}` cannot be queried for them until they exist. Only meaningful
    when executing (false while dbt parses).
#}
{% macro relation_has_column(relation, column) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {{ return(column | lower in names) }}
{%- endmacro %}
