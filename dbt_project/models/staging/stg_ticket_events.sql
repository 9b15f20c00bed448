{{
    config(
        materialized='incremental',
        unique_key='event_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

source as (

    select * from {{ source('raw', 'ticket_events') }}
    {% if is_incremental() -%}
        where {{ incremental_filter('_partition_date', '_loaded_at', 'loaded_at') }}
    {%- endif %}

),

renamed as (

    -- columns grouped by topic (as in stg_tickets), not by complexity
    select  -- noqa: ST06

        ----------  ids
        trim(event_id) as event_id,
        trim(ticket_id) as ticket_id,

        ----------  event
        event_name,
        upper(trim(milestone)) as milestone,
        lower(trim(source)) as event_source,
        occurred_at,
        cast(occurred_at as date) as occurred_date,

        ----------  typed data fields (null when the event has none)
        agent,
        team,
        upper(trim(priority)) as priority,
        upper(trim(sentiment)) as sentiment,
        rating,
        lower(trim({{ json_text('data', 'status') }})) as helpdesk_status,
        trim({{ json_text('data', 'from_team') }}) as from_team,
        data as event_data,

        ----------  provenance
        _source_key as source_key,
        _partition_date as partition_date,
        _loaded_at as loaded_at

    from source

)

select * from renamed
