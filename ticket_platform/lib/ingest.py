"""Load one day of landed ticket files into the warehouse, exactly once per file version.

The algorithm, for a partition day:

1. List ``tickets/YYYY/MM/DD/`` and drop files whose (key, etag) the ledger already holds.
2. Read and parse the rest in chunks (bounded memory), concurrently where reads are remote.
3. Per chunk, one transaction: fill batch tables, then ``warehouse_sql.merge_steps`` (which
   re-checks the ledger under a lock, so an overlapping run cannot load a file twice).

Nothing is dropped: a file that cannot be read or parsed, and every invalid record, lands in the
quarantine table with its reason, and the file is recorded in the ledger so it is not retried
until it changes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime

from ticket_platform.lib import warehouse_sql as sql
from ticket_platform.lib.landing import Landing, LandingObject
from ticket_platform.lib.parsing import DEFAULT_MAX_FILE_BYTES, parse_ticket_file
from ticket_platform.lib.warehouse import WarehouseSession

TICKETS_PREFIX = "tickets"
_DAY_KEY = re.compile(r"^tickets/(\d{4})/(\d{2})/(\d{2})/")


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


@dataclass
class LoadReport:
    partition: str
    files_seen: int = 0
    files_already_loaded: int = 0
    files_loaded: int = 0
    files_partially_quarantined: int = 0
    files_quarantined: int = 0
    records_read: int = 0
    rows_inserted: int = 0
    rows_quarantined: int = 0
    duplicates_in_batch: int = 0
    duplicates_replaced: int = 0
    stale_versions_skipped: int = 0
    bytes_read: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: LoadReport) -> None:
        for name, value in asdict(other).items():
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)
        self.errors += other.errors

    def as_dict(self) -> dict:
        return asdict(self)


def _read_all(
    landing: Landing, objects: Sequence[LandingObject], workers: int
) -> Iterator[tuple[LandingObject, bytes | None, str | None]]:
    def read(obj: LandingObject) -> tuple[LandingObject, bytes | None, str | None]:
        try:
            return obj, landing.read(obj.key), None
        except Exception as error:  # a vanished or unreadable object is quarantined, not fatal
            return obj, None, f"could not read file: {type(error).__name__}: {error}"

    if workers <= 1:
        yield from map(read, objects)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(read, objects)


def _chunks(items: Sequence[LandingObject], size: int) -> Iterator[Sequence[LandingObject]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
    """Load every new file of one day's prefix; returns what happened, file and row counts."""
    report = LoadReport(partition=day.isoformat())
    ensure_tables(session)
    known = {
        (key, etag)
        for key, etag in session.query(sql.loaded_files_sql(session.param), (day,))
    }
    listed = sorted(landing.list(partition_prefix(day)), key=lambda o: o.key)
    report.files_seen = len(listed)
    pending = [o for o in listed if (o.key, o.etag) not in known]
    report.files_already_loaded = len(listed) - len(pending)

    done = 0
    for chunk in _chunks(pending, chunk_files):
        chunk_report = _load_chunk(
            landing, session, day, chunk, run_id, read_workers, max_file_bytes
        )
        report.add(chunk_report)
        done += len(chunk)
        if on_progress:
            on_progress(done, len(pending))
    return report


def ensure_tables(session: WarehouseSession) -> None:
    session.begin()
    try:
        for statement in sql.create_tables_sql(session.dialect):
            session.execute(statement)
        session.commit()
    except Exception:
        session.rollback()
        raise


def _load_chunk(
    landing: Landing,
    session: WarehouseSession,
    day: date,
    objects: Sequence[LandingObject],
    run_id: str | None,
    read_workers: int,
    max_file_bytes: int,
) -> LoadReport:
    report = LoadReport(partition=day.isoformat())
    now = datetime.now(UTC).replace(tzinfo=None)
    tickets: list[dict] = []
    quarantine: list[dict] = []
    ledger: list[dict] = []
    statuses: dict[str, int] = {"loaded": 0, "partial": 0, "quarantined": 0}

    for obj, body, read_error in _read_all(landing, objects, read_workers):
        lineage = {
            "_source_key": obj.key,
            "_source_etag": obj.etag,
            "_partition_date": day,
            "_loaded_at": now,
            "_run_id": run_id,
        }
        if body is None:
            rows, rejected = [], [(None, read_error or "could not read file", "", None)]
        else:
            parsed = parse_ticket_file(obj.key, body, max_bytes=max_file_bytes)
            rows = parsed.rows
            rejected = [(r.line_number, r.reason, r.raw_text, r.ticket_id) for r in parsed.rejected]
            report.bytes_read += len(body)
        for row in rows:
            row.update(lineage)
        tickets += rows
        for line_number, reason, raw_text, ticket_id in rejected:
            quarantine.append(
                {
                    "file_key": obj.key,
                    "etag": obj.etag,
                    "line_number": line_number,
                    "ticket_id": ticket_id,
                    "reason": reason[:4000],
                    "raw_text": raw_text,
                    "partition_date": day,
                    "quarantined_at": now,
                    "run_id": run_id,
                }
            )
        status = "quarantined" if not rows else "partial" if rejected else "loaded"
        statuses[status] += 1
        ledger.append(
            {
                "file_key": obj.key,
                "etag": obj.etag,
                "content_md5": hashlib.md5(body, usedforsecurity=False).hexdigest()
                if body is not None
                else None,
                "size_bytes": obj.size,
                "partition_date": day,
                "status": status,
                "records_total": len(rows) + len(rejected),
                "rows_accepted": len(rows),
                "rows_quarantined": len(rejected),
                "loaded_at": now,
                "run_id": run_id,
            }
        )

    counts = apply_batch(session, tickets, quarantine, ledger)
    already = counts["files_already_loaded"]
    if already:
        report.errors.append(
            f"{already} file(s) were loaded by an overlapping run first; their rows were not "
            "loaded again"
        )
    report.files_already_loaded = already
    report.files_loaded = counts.get("status_loaded", 0)
    report.files_partially_quarantined = counts.get("status_partial", 0)
    report.files_quarantined = counts.get("status_quarantined", 0)
    report.records_read = counts["batch_rows"] + counts["rows_quarantined"]
    report.rows_inserted = counts["rows_inserted"]
    report.rows_quarantined = counts["rows_quarantined"]
    report.duplicates_replaced = counts["duplicates_replaced"]
    report.stale_versions_skipped = counts["stale_versions_skipped"]
    report.duplicates_in_batch = (
        counts["batch_rows"] - counts["rows_inserted"] - counts["stale_versions_skipped"]
    )
    return report


def apply_batch(
    session: WarehouseSession,
    tickets: list[dict],
    quarantine: list[dict],
    ledger: list[dict],
) -> dict[str, int]:
    """Run one load transaction; returns the row counts the merge steps report."""
    counts: dict[str, int] = {}
    session.begin()
    try:
        for statement in sql.create_batch_tables_sql(session.dialect):
            session.execute(statement)
        session.fill_batch(sql.TICKETS_BATCH, sql.STAGING_COLUMNS, tickets)
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
    except Exception:
        session.rollback()
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
