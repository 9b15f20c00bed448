-- daily_ticket_volume must account for every ticket of fct_tickets exactly once.
with

volume as (

    select coalesce(sum(ticket_count), 0) as ticket_count
    from {{ ref('daily_ticket_volume') }}

),

tickets as (

    select count(*) as ticket_count
    from {{ ref('fct_tickets') }}

)

select
    volume.ticket_count as volume_ticket_count,
    tickets.ticket_count as fct_ticket_count

from volume
cross join tickets
where volume.ticket_count <> tickets.ticket_count
