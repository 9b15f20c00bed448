{{
    config(
        materialized='incremental',
        unique_key='ticket_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

source as (

    select * from {{ source('raw', 'tickets') }}
    {% if is_incremental() -%}
        where {{ incremental_filter('_partition_date', '_loaded_at', 'loaded_at') }}
    {%- endif %}

),

renamed as (

    select

        ----------  ids
        trim(ticket_id) as ticket_id,

        ----------  customer
        customer_first_name,
        customer_last_name,
        customer_full_name,
        lower(trim(customer_email)) as customer_email,
        {{ dbt.split_part('lower(trim(customer_email))', "'@'", 2) }} as customer_email_domain,
        company,

        ----------  ticket
        product,
        issue_type,
        subject,
        description,
        response_text,

        ----------  classification
        upper(trim(sentiment)) as sentiment,
        sentiment_score_mixed,
        sentiment_score_negative,
        sentiment_score_neutral,
        sentiment_score_positive,
        upper(trim(priority)) as priority,
        priority_reasoning,

        ----------  timestamps
        submitted_at,
        cast(submitted_at as date) as submitted_date,
        processed_at,
        -- double precision, not dbt.type_float(): that is a 4-byte float on DuckDB
        cast(
            {{ dbt.datediff('submitted_at', 'processed_at', 'millisecond') }} / 1000.0
            as double precision
        ) as response_latency_seconds,

        ----------  provenance
        coalesce(schema_version, 1) as schema_version,
        lower(trim(record_source)) as record_source,
        upper(trim(target_sentiment)) as target_sentiment,
        _source_key as source_key,
        _partition_date as partition_date,
        _loaded_at as loaded_at

    from source

)

select * from renamed
