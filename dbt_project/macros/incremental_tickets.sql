{#
    Which rows an incremental model re-builds; idempotent either way (the models use the
    delete+insert strategy on their unique key):

    * Always, the watermark: the rows loaded after the newest row already in the model, less
      incremental_lookback_hours so that a load committing late is not missed.
    * In addition, when the vars ticket_window_start and ticket_window_end (ISO dates, end
      exclusive) are set, e.g. by Dagster for a re-build of some days: the rows whose partition
      day lies in the window. The window only adds rows, so a window build never leaves a newer
      change behind its watermark.

    loaded_since(loaded_at, this_column): `loaded_at` is newer than the model's watermark
    (the max of `this_column` in {{ this }}). An empty model reads everything.
#}
{% macro in_ticket_window(partition_date) -%}
    {%- set start = var('ticket_window_start', none) -%}
    {%- set end = var('ticket_window_end', none) -%}
    {%- if (start is none) != (end is none) -%}
        {{ exceptions.raise_compiler_error(
            'ticket_window_start and ticket_window_end must be set together (ISO dates, end exclusive)'
        ) }}
    {%- endif -%}
    ({{ partition_date }} >= cast('{{ start }}' as date) and {{ partition_date }} < cast('{{ end }}' as date))
{%- endmacro %}

{% macro ticket_window_is_set() -%}
    {{ return(var('ticket_window_start', none) is not none or var('ticket_window_end', none) is not none) }}
{%- endmacro %}

{% macro loaded_since(loaded_at, this_column) -%}
    {{ loaded_at }} > (
        select
            {{ dbt.dateadd(
                'hour',
                -1 * (var('incremental_lookback_hours', 3) | int),
                'coalesce(max(' ~ this_column ~ "), cast('1900-01-01' as " ~ dbt.type_timestamp() ~ '))'
            ) }}
        from {{ this }}
    )
{%- endmacro %}

{#
    incremental_filter(partition_date, loaded_at, this_column): the predicate of the rows to
    re-build: past the watermark, or in the window when one is set (see above). Use inside
    `if is_incremental()`.
#}
{% macro incremental_filter(partition_date, loaded_at, this_column) -%}
    ({{ ticket_platform.loaded_since(loaded_at, this_column) }}
    {%- if ticket_platform.ticket_window_is_set() %}
        or {{ ticket_platform.in_ticket_window(partition_date) }}
    {%- endif -%})
{%- endmacro %}
