{#-
    The processing SLA (the pipeline's own deadline for processing a ticket; not the help-desk
    SLAs of sla_policies / sla_events): its target and due time by priority. The numbers live
    only in dbt vars (dbt_project.yml):
      HIGH   -> sla_hours_high calendar hours after submission
      MEDIUM -> sla_business_days_medium business days after submission
      NORMAL -> sla_business_days_normal business days after submission
    Business days follow the rule of macros/add_business_days.sql.
-#}
{%- set sla_hours_high = var('sla_hours_high') | int -%}
{%- set sla_business_days_medium = var('sla_business_days_medium') | int -%}
{%- set sla_business_days_normal = var('sla_business_days_normal') | int -%}

with

tickets as (

    select * from {{ ref('stg_tickets') }}

),

sla as (

    select
        ticket_id,
        priority,
        submitted_at,
        processed_at,

        case priority
            when 'HIGH' then '{{ sla_hours_high }} calendar hours'
            when 'MEDIUM' then '{{ sla_business_days_medium }} business days'
            when 'NORMAL' then '{{ sla_business_days_normal }} business days'
        end as processing_sla_target_description,

        case priority
            when 'HIGH'
                then {{ dbt.dateadd('hour', sla_hours_high, 'submitted_at') }}
            when 'MEDIUM'
                then {{ add_business_days('submitted_at', sla_business_days_medium) }}
            when 'NORMAL'
                then {{ add_business_days('submitted_at', sla_business_days_normal) }}
        end as processing_sla_due_at

    from tickets

)

select * from sla
