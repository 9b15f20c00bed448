{#-
    One row per local date of the business calendar (vars business_calendar_start/_end), with
    the business hours of the day in the business_timezone's wall-clock time, and the running
    total of business minutes before the day. SLA clocks in business time are differences of
    that total (see sla_events).
-#}
{{ config(materialized='table') }}

{#- a list of ISO days, or the same as a comma-separated string (handy in --vars) -#}
{%- set business_days = var('business_days') -%}
{%- set business_days = business_days.split(',') if business_days is string else business_days -%}
{%- set start_hour = var('business_day_start_hour') | int -%}
{%- set end_hour = var('business_day_end_hour') | int -%}
{%- if not (0 <= start_hour < end_hour <= 24) -%}
    {{ exceptions.raise_compiler_error(
        'business_day_start_hour (' ~ start_hour ~ ') and business_day_end_hour (' ~ end_hour
        ~ ') must satisfy 0 <= start < end <= 24'
    ) }}
{%- endif -%}

with

days as (

    {{ date_spine(var('business_calendar_start'), var('business_calendar_end')) }}

),

holidays as (

    select * from {{ ref('business_holidays') }}

),

classified as (

    select
        days.calendar_date,
        {{ iso_day_of_week('days.calendar_date') }} as iso_day_of_week,
        holidays.holiday_name,
        {{ iso_day_of_week('days.calendar_date') }} in ({{ business_days | map('int') | join(', ') }})
        and holidays.holiday_name is null as is_business_day

    from days

    left join holidays
        on days.calendar_date = holidays.holiday_date

),

calendar as (

    select
        calendar_date,
        iso_day_of_week,
        holiday_name,
        is_business_day,
        case
            when is_business_day
                then {{ dbt.dateadd('hour', start_hour, 'cast(calendar_date as ' ~ dbt.type_timestamp() ~ ')') }}
        end as business_opens_at,
        case
            when is_business_day
                then {{ dbt.dateadd('hour', end_hour, 'cast(calendar_date as ' ~ dbt.type_timestamp() ~ ')') }}
        end as business_closes_at,
        case when is_business_day then {{ (end_hour - start_hour) * 60 }} else 0 end as business_minutes

    from classified

),

cumulated as (

    select
        calendar.*,
        -- the business minutes of every earlier day: a clock's business time is the difference
        -- of this running total at its two ends (plus their part-days), no range join needed
        coalesce(
            sum(calendar.business_minutes) over (
                order by calendar.calendar_date rows between unbounded preceding and 1 preceding
            ),
            0
        ) as business_minutes_before

    from calendar

)

select * from cumulated
