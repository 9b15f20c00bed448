"""Load one day of landed ticket files into the warehouse, exactly once per file version.

The algorithm, for a partition day:

1. List ``tickets/YYYY/MM/DD/`` and drop files whose (key, etag) the ledger already holds.
2. Read and parse the rest in chunks (bounded memory), concurrently where reads are remote.
3. Per chunk, one transaction: fill batch tables, then ``warehouse_sql.merge_steps`` (which
   re-checks the ledger under a lock, so an overlapping run cannot load a file twice).

Nothing is dropped: a file that cannot be parsed (or is not a regular file, or is too large), and
every invalid record, lands in the quarantine table with its reason, and the file is recorded in
the ledger so it is not retried until it changes. A file that cannot be *read* right now
(permission denied, a network error) is reported by key and not ledgered: the next run retries
it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol, TypeVar

import pyarrow as pa

from ticket_platform.ingest import tickets_sql as sql
from ticket_platform.ingest.batch import ParsedBatch, parse_files
from ticket_platform.ingest.landing import Landing, LandingObject
from ticket_platform.ingest.parsing import DEFAULT_MAX_FILE_BYTES
from ticket_platform.warehouse.session import (
    WarehouseSession,
    rollback_keeping_cause,
    run_in_transaction,
)

TICKETS_PREFIX = "tickets"
PARSE_BATCH = 1_000  # files parsed together; transactions gather batches up to chunk_files
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


class SummedCounts:
    """``add`` for load reports: integer counters sum, error lists concatenate."""

    errors: list[str]

    def add(self, other: SummedCounts) -> None:
        for name, value in asdict(other).items():
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)
        self.errors += other.errors


class ParsedChunk(Protocol):
    @property
    def files(self) -> int: ...


B = TypeVar("B", bound=ParsedChunk)


def write_in_chunks(
    batches: Iterable[B],
    combine: Callable[[list[B]], B],
    write: Callable[[B], int],
    *,
    chunk_files: int,
    pending: int,
    on_progress: Callable[[int, int], None] | None = None,
) -> None:
    """Gather parsed batches until they hold ``chunk_files`` files, then write them as one
    transaction; ``write`` returns the files written, reported through ``on_progress``."""
    done = 0
    waiting: list[B] = []

    def flush() -> None:
        nonlocal done, waiting
        done += write(combine(waiting))
        waiting = []
        if on_progress:
            on_progress(done, pending)

    for batch in batches:
        waiting.append(batch)
        if sum(b.files for b in waiting) >= chunk_files:
            flush()
    if waiting:
        flush()


@dataclass
class LoadReport(SummedCounts):
    partition: str
    files_seen: int = 0
    files_already_loaded: int = 0
    files_loaded: int = 0
    files_partially_quarantined: int = 0
    files_quarantined: int = 0
    files_unchanged: int = 0  # rewritten or touched with the bytes already loaded
    files_unreadable: int = 0  # could not be read this time; retried next run
    records_read: int = 0
    rows_inserted: int = 0
    rows_quarantined: int = 0
    duplicates_in_batch: int = 0
    duplicates_replaced: int = 0
    stale_versions_skipped: int = 0
    bytes_read: int = 0
    errors: list[str] = field(default_factory=list)


def load_partition(
    landing: Landing,
    session: WarehouseSession,
    day: date,
    *,
    run_id: str | None = None,
    chunk_files: int = 20_000,
    read_workers: int = 1,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    on_progress: Callable[[int, int], None] | None = None,
) -> LoadReport:
    """Load every new file of one day's prefix; returns what happened, file and row counts.

    Files are parsed in batches and written in transactions of about ``chunk_files`` files, so
    memory stays bounded whatever the size of the day.
    """
    report = LoadReport(partition=day.isoformat())
    ensure_tables(session)
    known = set(session.query(sql.loaded_files_sql(session.param), (day,)))
    listed = sorted(landing.list(partition_prefix(day)), key=lambda o: o.key)
    report.files_seen = len(listed)
    pending = [o for o in listed if (o.key, o.etag) not in known]
    report.files_already_loaded = len(listed) - len(pending)
    digests = loaded_digests(session, sql.loaded_digests_sql(session.param), day, pending)

    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    parse_args = (day, run_id, loaded_at, max_file_bytes, read_workers, digests)
    batches = (parse_files(landing, part, *parse_args) for part in _slices(pending, PARSE_BATCH))
    write_in_chunks(
        batches,
        ParsedBatch.combine,
        lambda batch: _write(session, batch, report),
        chunk_files=chunk_files,
        pending=len(pending),
        on_progress=on_progress,
    )
    return report


def loaded_digests(
    session: WarehouseSession, statement: str, day: date, pending: Sequence[LandingObject]
) -> dict[str, str]:
    """Content hashes of the last whole load of the pending keys that were loaded before."""
    if not pending:
        return {}
    keys = {o.key for o in pending}
    return {
        key: digest
        for key, digest, _status in session.query(statement, (day,))
        if key in keys and digest
    }


def _slices(items: Sequence[LandingObject], size: int) -> Iterator[Sequence[LandingObject]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def report_unreadable(total: SummedCounts, unreadable: Sequence[str]) -> None:
    """Unreadable files (retried next run) into a report: counted, and named in its errors."""
    total.files_unreadable += len(unreadable)  # type: ignore[attr-defined]
    total.errors += unreadable[:20]
    if len(unreadable) > 20:
        total.errors.append(f"and {len(unreadable) - 20} more unreadable file(s)")


def _write(session: WarehouseSession, batch: ParsedBatch, total: LoadReport) -> int:
    report_unreadable(total, batch.unreadable)
    if not batch.ledger:
        return batch.files
    counts = apply_batch(session, batch.tickets, batch.quarantine, batch.ledger)
    already = counts["files_already_loaded"]
    if already:
        total.errors.append(
            f"{already} file(s) were loaded by an overlapping run first; their rows were not "
            "loaded again"
        )
        total.files_already_loaded += already
    total.files_loaded += counts.get("status_loaded", 0)
    total.files_partially_quarantined += counts.get("status_partial", 0)
    total.files_quarantined += counts.get("status_quarantined", 0)
    total.files_unchanged += counts.get("status_unchanged", 0)
    total.records_read += counts["batch_rows"] + counts["rows_quarantined"]
    total.rows_inserted += counts["rows_inserted"]
    total.rows_quarantined += counts["rows_quarantined"]
    total.duplicates_replaced += counts["duplicates_replaced"]
    total.stale_versions_skipped += counts["stale_versions_skipped"]
    total.duplicates_in_batch += (
        counts["batch_rows"] - counts["rows_inserted"] - counts["stale_versions_skipped"]
    )
    total.bytes_read += batch.bytes_read
    return batch.files


def ensure_tables(session: WarehouseSession) -> None:
    run_in_transaction(session, sql.create_tables_sql(session.dialect))


def apply_batch(
    session: WarehouseSession,
    tickets: list[dict] | pa.Table,
    quarantine: list[dict],
    ledger: list[dict],
) -> dict[str, int]:
    """Run one load transaction; returns the row counts the merge steps report."""
    counts: dict[str, int] = {}
    session.begin()
    try:
        for statement in sql.create_batch_tables_sql(session.dialect):
            session.execute(statement)
        session.fill_batch(sql.TICKETS_BATCH, sql.STAGING_COLUMNS, tickets, bulk=True)
        session.fill_batch(sql.QUARANTINE_BATCH, sql.QUARANTINE_COLUMNS, quarantine)
        session.fill_batch(sql.LEDGER_BATCH, sql.LEDGER_COLUMNS, ledger)
        for step in sql.merge_steps(session.dialect):
            if step.sql.startswith(f"create temporary table {sql.TICKETS_LATEST}"):
                counts["batch_rows"] = _count(session, sql.TICKETS_BATCH)
            rows = session.execute(step.sql)
            if step.counts:
                counts[step.counts] = rows
        for status, files in session.query(
            f"select status, count(*) from {sql.LEDGER_BATCH} group by status"
        ):
            counts[f"status_{status}"] = int(files)
        session.commit()
    except Exception as error:
        rollback_keeping_cause(session, error)
        raise
    return counts


def _count(session: WarehouseSession, table: str) -> int:
    return int(session.query(f"select count(*) from {table}")[0][0])


def partition_quality(session: WarehouseSession, day: date) -> tuple[int, int, int]:
    """(records seen, records quarantined, files recorded) for one partition over all loads."""
    records, quarantined, files = session.query(sql.partition_quality_sql(session.param), (day,))[0]
    return int(records), int(quarantined), int(files)


def staged_row_count(session: WarehouseSession, first: date, last: date) -> int:
    """Rows in ``raw.tickets`` whose file key falls on the days ``first``..``last``."""
    statement = (
        f"select count(*) from {sql.TICKETS_TABLE} "
        f"where _partition_date between {session.param} and {session.param}"
    )
    return int(session.query(statement, (first, last))[0][0])
