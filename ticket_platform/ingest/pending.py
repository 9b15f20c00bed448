"""Which of a day's landed files a load still has to read: those the feed's ledger does not hold.

A file is new when its (key, etag) is not in the ledger. A local file whose key the ledger has
never held is pending by its key alone (``LocalLanding.list_keys``: no ``stat`` in the listing);
its etag comes with its read. A key the ledger knows is looked up, so a rewrite (a new etag) is
seen; when its bytes turn out to equal the last whole load's (the content hash returned here),
the file is recorded as unchanged, not loaded again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ticket_platform.ingest import feed_sql
from ticket_platform.ingest.landing import Landing, LandingObject, LocalLanding
from ticket_platform.warehouse.session import WarehouseSession

Pending = LandingObject | str  # a listed file, or a local file's key (listed without a stat)


@dataclass(frozen=True)
class DayFiles:
    """One day prefix of a feed: the files listed and those to load, in key order."""

    listed: int
    pending: list[Pending]
    digests: dict[str, str]  # key -> content hash of its last whole load, for pending keys


def files_to_load(
    landing: Landing, session: WarehouseSession, ledger: str, prefix: str, day: date
) -> DayFiles:
    """The files under ``prefix`` (one day's) that ``ledger`` does not hold, with the content
    hashes of those loaded whole before under another etag."""
    known = set(session.query(feed_sql.loaded_files_sql(session.param, ledger), (day,)))
    known_keys = {key for key, _etag in known}
    if isinstance(landing, LocalLanding):
        looked_up = (_looked_up(landing, item, known_keys) for item in landing.list_keys(prefix))
        listed = [item for item in looked_up if item is not None]
    else:
        listed = list(landing.list(prefix))
    listed.sort(key=_key_of)
    pending = [o for o in listed if isinstance(o, str) or (o.key, o.etag) not in known]
    if not any(_key_of(o) in known_keys for o in pending):
        return DayFiles(len(listed), pending, {})  # none loaded before: no hash to compare
    return DayFiles(len(listed), pending, _loaded_digests(session, ledger, day, pending))


def _loaded_digests(
    session: WarehouseSession, ledger: str, day: date, pending: Sequence[Pending]
) -> dict[str, str]:
    """Content hashes of the last whole load of the pending keys that were loaded before."""
    keys = {_key_of(o) for o in pending}
    statement = feed_sql.loaded_digests_sql(session.param, ledger)
    return {
        key: digest
        for key, digest, _status in session.query(statement, (day,))
        if key in keys and digest
    }


def _key_of(item: Pending) -> str:
    return item if isinstance(item, str) else item.key


def _looked_up(landing: LocalLanding, item: Pending, known_keys: set[str]) -> Pending | None:
    """A listed key the ledger knows is looked up (its etag decides); other keys stay keys."""
    if isinstance(item, str) and item in known_keys:
        try:
            return landing.stat(item)
        except FileNotFoundError:
            return None  # removed since the listing
    return item
