-- A ticket cannot be processed before it was submitted: every row returned is a failure.
select
    ticket_id,
    submitted_at,
    processed_at

from {{ ref('stg_tickets') }}
where processed_at < submitted_at
