"""The landing zone's date layout, ``<feed>/YYYY/MM/DD/<file>``: a day's prefix, the day of a
key, and the days present under a feed's folder."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from ticket_platform.ingest.landing import Landing, LandingObject

TICKETS_PREFIX = "tickets"
EVENTS_PREFIX = "events"
_DAY_KEY = re.compile(r"^[a-z_]+/(\d{4})/(\d{2})/(\d{2})/")  # tickets/ or events/


def partition_prefix(day: date, prefix: str = TICKETS_PREFIX) -> str:
    return f"{prefix}/{day:%Y/%m/%d}/"


def partition_of_key(key: str) -> date | None:
    """The day a landed key belongs to, or None if the key is outside the date layout."""
    match = _DAY_KEY.match(key)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def discover_partitions(objects: Iterable[LandingObject]) -> tuple[list[date], list[str]]:
    """Days present among landed objects, and the keys that fit no day (reported, not loaded)."""
    days: set[date] = set()
    strays: list[str] = []
    for obj in objects:
        day = partition_of_key(obj.key)
        if day is None:
            strays.append(obj.key)
        else:
            days.add(day)
    return sorted(days), strays


def discover_days(
    landing: Landing,
    prefix: str = TICKETS_PREFIX,
    *,
    within: tuple[date, date] | None = None,
) -> tuple[list[date], list[str]]:
    """Days present under ``prefix/YYYY/MM/DD/``, found by walking folders, not every key.

    On S3 this is a handful of delimiter listings however many tickets a day holds. Keys that
    fit no day (a file beside the year folders, a ``2025/13/`` folder, a linked folder) are
    returned as strays. With ``within=(first, last)``, a day folder outside those partitions
    (before the partitions start, or in the future) is a stray too, named by its prefix: it
    must never become a partition range of thousands of days.
    """
    days: list[date] = []
    strays: list[str] = []

    def walk(path: str, depth: int) -> None:
        folders, files = landing.list_folders(path)
        strays.extend(f.key for f in files)
        for name in folders:
            child = f"{path}{name}/"
            if depth < 2:
                walk(child, depth + 1)
                continue
            day = partition_of_key(child)
            if day is None:
                strays.extend(o.key for o in landing.list(child))
            elif within is not None and not within[0] <= day <= within[1]:
                strays.append(child)
            elif any(True for _ in landing.list(child)):
                days.append(day)

    walk(f"{prefix}/", 0)
    return sorted(days), strays
