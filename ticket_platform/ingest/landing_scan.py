"""What the landing sensor decides: which days hold files the load ledger has not seen.

Newness comes from the ledger (every loaded file's key and etag), never from a "keys greater than
the last one" cursor, so a late file whose key sorts before everything already loaded, or a file
rewritten in place (new etag), is still found. Only the day prefixes that can receive files are
listed: today, yesterday and a look-back for late arrivals.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ticket_platform.ingest.landing import Landing, LandingObject
from ticket_platform.ingest.tickets import TICKETS_PREFIX, partition_prefix


def days_to_scan(today: date, lookback_days: int) -> list[date]:
    """Today, yesterday and ``lookback_days`` more days before yesterday, oldest first."""
    return [today - timedelta(days=n) for n in range(lookback_days + 1, -1, -1)]


@dataclass(frozen=True)
class DayScan:
    """One day prefix: how many files it holds and which the ledger has not loaded yet."""

    day: date
    files_listed: int
    pending: tuple[LandingObject, ...]

    @property
    def digest(self) -> str:
        return files_digest(self.pending)

    @property
    def run_key(self) -> str:
        """Unique per sensor (Dagster keeps run keys per sensor), so one format serves all."""
        return f"ingest:{self.day.isoformat()}:{len(self.pending)}:{self.digest}"

    @property
    def newest_arrival(self) -> datetime | None:
        return max((o.last_modified for o in self.pending), default=None)


def files_digest(objects: Iterable[LandingObject]) -> str:
    """A fingerprint of a (key, etag) set: equal sets give equal run keys."""
    h = hashlib.sha256()
    for obj in sorted(objects, key=lambda o: o.key):
        h.update(f"{obj.key}\0{obj.etag}\n".encode())
    return h.hexdigest()[:16]


def pending_files(
    listed: Iterable[LandingObject], loaded: Collection[tuple[str, str]]
) -> list[LandingObject]:
    """Listed files whose (key, etag) the ledger does not hold."""
    return [o for o in listed if (o.key, o.etag) not in loaded]


def ledger_files_sql(ledger: str, param: str, days: int) -> str:
    """The (day, key, etag) rows a ledger holds for ``days`` partition dates passed as
    parameters: what a sensor tick reads, in one query whatever the number of days."""
    marks = ", ".join([param] * days)
    return f"select partition_date, file_key, etag from {ledger} where partition_date in ({marks})"


def loaded_by_day(rows: Iterable[tuple[date, str, str]]) -> dict[date, set[tuple[str, str]]]:
    """Ledger rows (day, key, etag) grouped per day."""
    loaded: dict[date, set[tuple[str, str]]] = {}
    for day, key, etag in rows:
        loaded.setdefault(day, set()).add((key, etag))
    return loaded


def list_days(
    landing: Landing, days: Sequence[date], *, workers: int = 4, prefix: str = TICKETS_PREFIX
) -> dict[date, list[LandingObject]]:
    """Every file under each day's prefix. Prefixes are listed concurrently because S3
    pagination is sequential within one prefix."""

    def listing(day: date) -> list[LandingObject]:
        return list(landing.list(partition_prefix(day, prefix)))

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(days)))) as pool:
        return dict(zip(days, pool.map(listing, days), strict=True))


def compare_with_ledger(
    listings: dict[date, list[LandingObject]],
    loaded_files: Callable[[date], Collection[tuple[str, str]]],
) -> list[DayScan]:
    """One scan per day that holds files, with the files ``loaded_files(day)`` does not hold."""
    return [
        DayScan(
            day=day,
            files_listed=len(listed),
            pending=tuple(pending_files(listed, loaded_files(day))),
        )
        for day, listed in sorted(listings.items())
        if listed
    ]
