{#
    Use a model's custom schema as-is (`staging`, `intermediate`, `marts`) instead of dbt's
    default `<target_schema>_<custom_schema>`. Models without a custom schema go to the
    target's schema.

    The optional environment variable TICKET_SCHEMA_SUFFIX is appended to every custom schema
    (and to the `raw` source schema, see models/staging/_sources.yml) so that parallel runs,
    e.g. tests, can share one database without colliding. It is empty by default.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}{{ env_var('TICKET_SCHEMA_SUFFIX', '') | trim }}
    {%- endif -%}
{%- endmacro %}
