{#
    business_minute_offset(local_ts, calendar_day): the business minutes from the start of
    int_business_calendar up to `local_ts` (a naive wall-clock time in business_timezone, see
    to_business_time): the business minutes of every earlier day (the calendar's running total)
    plus the part of the day's own business hours elapsed at `local_ts`.

    `calendar_day` is the alias of int_business_calendar joined on the date of `local_ts`:
        left join calendar as day_of_x on cast(local_x as date) = day_of_x.calendar_date
    The business minutes between two times are the difference of their offsets (never negative
    when the first is earlier): the clock of sla_events, with one equi-join per timestamp and no
    range join. Null when `local_ts` is null or outside the calendar's dates.
#}
{% macro business_minute_offset(local_ts, calendar_day) -%}
    (
        {{ calendar_day }}.business_minutes_before
        + case
            when {{ calendar_day }}.is_business_day
                then greatest(0, least(
                    {{ minutes_between(calendar_day ~ '.business_opens_at', local_ts) }},
                    {{ calendar_day }}.business_minutes
                ))
            else 0
        end
    )
{%- endmacro %}

{#
    business_minutes_between(start_offset, end_offset): the business minutes between two
    business_minute_offset() values as a double, 0 when the end is not after the start, null
    when either is null.
#}
{% macro business_minutes_between(start_offset, end_offset) -%}
    cast(
        case
            when ({{ end_offset }}) > ({{ start_offset }}) then ({{ end_offset }}) - ({{ start_offset }})
            when ({{ end_offset }}) is not null and ({{ start_offset }}) is not null then 0
        end as double precision
    )
{%- endmacro %}
