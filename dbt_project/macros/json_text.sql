{#
    json_text(column, key): the text of a top-level key of a JSON object stored as text, null
    when the key is absent or JSON null.
      - DuckDB:   json_extract_string(column, '$.key')
      - Postgres: cast(column as json) ->> 'key'
      - Redshift: json_extract_path_text(column, 'key')  (null for an absent key; nullif covers
                  the empty string older clusters return)
#}
{% macro json_text(column, key) -%}
    {{ return(adapter.dispatch('json_text', 'ticket_platform')(column, key)) }}
{%- endmacro %}

{% macro default__json_text(column, key) -%}
    (cast({{ column }} as json) ->> '{{ key }}')
{%- endmacro %}

{% macro duckdb__json_text(column, key) -%}
    json_extract_string({{ column }}, '$.{{ key }}')
{%- endmacro %}

{% macro redshift__json_text(column, key) -%}
    nullif(json_extract_path_text({{ column }}, '{{ key }}'), '')
{%- endmacro %}
