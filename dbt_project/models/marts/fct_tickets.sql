with

tickets as (

    select * from {{ ref('stg_tickets') }}

),

ticket_sla as (

    select * from {{ ref('int_tickets_sla') }}

),

joined as (

    select

        ----------  ids
        tickets.ticket_id,

        ----------  customer
        tickets.customer_first_name,
        tickets.customer_last_name,
        tickets.customer_full_name,
        tickets.customer_email,
        tickets.customer_email_domain,
        tickets.company,

        ----------  ticket
        tickets.product,
        tickets.issue_type,
        tickets.subject,

        ----------  classification
        tickets.sentiment,
        tickets.sentiment_score_mixed,
        tickets.sentiment_score_negative,
        tickets.sentiment_score_neutral,
        tickets.sentiment_score_positive,
        tickets.priority,

        ----------  timestamps
        tickets.submitted_at,
        tickets.submitted_date,
        tickets.processed_at,
        tickets.response_latency_seconds,

        ----------  processing sla (not the help-desk SLAs of sla_events / ticket_metrics)
        ticket_sla.processing_sla_target_description,
        ticket_sla.processing_sla_due_at,
        -- not yet processed (processed_at is null): breached once the due time has passed
        coalesce(tickets.processed_at, {{ utc_now() }}) > ticket_sla.processing_sla_due_at
            as is_processing_sla_breached,

        ----------  provenance
        tickets.record_source

    from tickets

    left join ticket_sla
        on tickets.ticket_id = ticket_sla.ticket_id

)

select * from joined
