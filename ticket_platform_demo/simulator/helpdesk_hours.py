"""The help desk's staffed hours: when agents work MEDIUM and NORMAL tickets.

The same business calendar as the marts' business clock (the dbt vars ``business_timezone``,
``business_days``, ``business_day_start_hour``, ``business_day_end_hour`` in
``dbt_project/dbt_project.yml`` and the holidays of ``dbt_project/seeds/business_holidays.csv``),
so a simulated agent works when the SLA clock runs. Plain functions, no randomness.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from ticket_platform.settings import PROJECT_ROOT

BUSINESS_HOLIDAYS_CSV = PROJECT_ROOT / "dbt_project" / "seeds" / "business_holidays.csv"
_SEARCH_DAYS = 400  # a calendar with no staffed day for this long is a configuration error


@cache
def business_holidays(path: Path = BUSINESS_HOLIDAYS_CSV) -> frozenset[date]:
    """The desk's closed days: the ``holiday_date`` column of the dbt seed."""
    with path.open(newline="") as handle:
        return frozenset(date.fromisoformat(row["holiday_date"]) for row in csv.DictReader(handle))


@dataclass(frozen=True)
class StaffedHours:
    """Staffed days and hours in a time zone; holidays closed. Start inclusive, end exclusive.

    The defaults mirror the dbt vars (``business_timezone: UTC``, ``business_days: [1..5]``,
    ``business_day_start_hour: 9``, ``business_day_end_hour: 17``); keep them in step.
    """

    timezone: str = "UTC"
    days: tuple[int, ...] = (1, 2, 3, 4, 5)  # ISO days of week, 1 = Monday
    start_hour: int = 9
    end_hour: int = 17
    holidays: frozenset[date] = field(default_factory=business_holidays)

    @property
    def shift(self) -> timedelta:
        """The length of one staffed day."""
        return timedelta(hours=self.end_hour - self.start_hour)

    def _is_workday(self, day: date) -> bool:
        return day.isoweekday() in self.days and day not in self.holidays

    def _bounds(self, day: date) -> tuple[datetime, datetime]:
        zone = ZoneInfo(self.timezone)
        opens = datetime.combine(day, time(self.start_hour), zone)
        closes = datetime.combine(day, time(self.end_hour), zone)
        return opens, closes

    def is_staffed(self, at: datetime) -> bool:
        """Whether an agent is at work at ``at`` (an aware datetime)."""
        local = at.astimezone(ZoneInfo(self.timezone))
        if not self._is_workday(local.date()):
            return False
        opens, closes = self._bounds(local.date())
        return opens <= local < closes

    def next_staffed(self, at: datetime) -> datetime:
        """``at`` itself when staffed, else the next opening of the desk (in UTC)."""
        if self.is_staffed(at):
            return at
        day = at.astimezone(ZoneInfo(self.timezone)).date()
        for _ in range(_SEARCH_DAYS):
            if self._is_workday(day):
                opens, _closes = self._bounds(day)
                if opens > at:
                    return opens.astimezone(UTC)
            day += timedelta(days=1)
        raise ValueError(f"no staffed hours within {_SEARCH_DAYS} days of {at.isoformat()}")

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """The staffed time between two instants (the marts' business-time duration)."""
        zone = ZoneInfo(self.timezone)
        day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
        total = timedelta()
        while day <= last:
            if self._is_workday(day):
                opens, closes = self._bounds(day)
                total += max(timedelta(), min(closes, end) - max(opens, start))
            day += timedelta(days=1)
        return total
