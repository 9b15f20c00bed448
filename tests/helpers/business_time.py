"""An independent Python reference of the business-time clock of ``sla_events``.

The dbt model converts both ends of an interval to the business time zone's wall clock and sums
the overlap with each business day's opening hours. This reference works the other way round:
it turns each business day's opening and closing into aware UTC instants with ``zoneinfo`` and
sums the overlap in UTC. The two agree whenever no DST change falls inside business hours.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def business_minutes(
    start_utc: datetime,
    end_utc: datetime,
    *,
    timezone: str = "UTC",
    days: Collection[int] = (1, 2, 3, 4, 5),
    opens: int = 9,
    closes: int = 17,
    holidays: Collection[date] = (),
) -> float:
    """Minutes of [start_utc, end_utc] (naive UTC) that fall within business hours."""
    zone = ZoneInfo(timezone)
    start = start_utc.replace(tzinfo=UTC)
    end = end_utc.replace(tzinfo=UTC)
    if end <= start:
        return 0.0
    total = timedelta()
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    while day <= last:
        if day.isoweekday() in days and day not in holidays:
            window_open = datetime.combine(day, time(opens), zone).astimezone(UTC)
            window_close = (
                datetime.combine(day + timedelta(days=1), time(0), zone)
                if closes == 24
                else datetime.combine(day, time(closes), zone)
            ).astimezone(UTC)
            overlap = min(end, window_close) - max(start, window_open)
            if overlap > timedelta():
                total += overlap
        day += timedelta(days=1)
    return total.total_seconds() / 60


def calendar_minutes(start_utc: datetime, end_utc: datetime) -> float:
    return (end_utc - start_utc).total_seconds() / 60


def seed_holidays() -> set[date]:
    """The closed days of dbt_project/seeds/business_holidays.csv."""
    import csv

    from ticket_platform.transform.project import DBT_PROJECT_DIR

    with (DBT_PROJECT_DIR / "seeds" / "business_holidays.csv").open(encoding="utf-8") as handle:
        return {date.fromisoformat(row["holiday_date"]) for row in csv.DictReader(handle)}
