with

tickets as (

    select * from {{ ref('fct_tickets') }}

),

daily as (

    select
        submitted_date,
        product,
        priority,
        sentiment,

        cast(count(*) as {{ dbt.type_bigint() }}) as ticket_count,
        {{ median('response_latency_seconds') }} as median_response_latency_seconds,
        cast(
            sum(case when is_processing_sla_breached then 1 else 0 end) as {{ dbt.type_bigint() }}
        ) as processing_sla_breached_count

    from tickets

    group by
        submitted_date,
        product,
        priority,
        sentiment

)

select * from daily
