"""Load one day of a landed feed into the warehouse, exactly once per file version.

Tickets (``tickets.py``) and lifecycle events (``events.py``) are two ``Feed``s of this one
loader; a feed brings its prefix, its parser, its tables and merge, and how the merge's counts
read in its report. The algorithm, for a feed and a partition day:

1. List ``<prefix>/YYYY/MM/DD/`` and drop files whose (key, etag) the feed's ledger already holds.
2. Read and parse the rest in batches (bounded memory), concurrently where reads are remote.
3. Gather batches into transactions of about ``chunk_files`` files; per transaction, fill the
   batch tables, then run the feed's merge steps (which re-check the ledger under a lock, so an
   overlapping run cannot load a file twice).

Nothing is dropped: a file that cannot be parsed (or is not a regular file, or is too large), and
every invalid record, lands in the feed's quarantine table with its reason, and the file is
recorded in the ledger so it is not retried until it changes. A file that cannot be *read* right
now (permission denied, a network error) is reported by key and not ledgered: the next run
retries it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property, partial
from typing import Any, Generic, Protocol, TypeVar

import pyarrow as pa

from ticket_platform.ingest import feed_sql
from ticket_platform.ingest.batch import ParsedBatch, parse_batch
from ticket_platform.ingest.feed_sql import BATCH_ROW, LEDGER_COLUMNS, FeedTables
from ticket_platform.ingest.landing import Landing, LocalLanding
from ticket_platform.ingest.layout import partition_prefix
from ticket_platform.ingest.parse_pool import ordered_results, processes_for
from ticket_platform.ingest.parsing import DEFAULT_MAX_FILE_BYTES, ParsedFile
from ticket_platform.ingest.pending import Pending, files_to_load
from ticket_platform.warehouse.session import (
    KeepsRowsInPlace,
    WarehouseSession,
    arrow_schema,
    in_transaction,
    run_in_transaction,
)
from ticket_platform.warehouse.sql import Dialect, MergeStep

PARSE_BATCH = 1_000  # files parsed together; transactions gather batches up to chunk_files


class SummedCounts:
    """``add`` for load reports: integer counters sum, error lists concatenate."""

    errors: list[str]

    def add(self, other: SummedCounts) -> None:
        for name, value in asdict(other).items():
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)
        self.errors += other.errors


@dataclass
class FeedReport(SummedCounts):
    """What a load did, in the counts every feed has; a feed's report adds its own."""

    partition: str
    files_seen: int = 0
    files_already_loaded: int = 0
    files_loaded: int = 0
    files_partially_quarantined: int = 0
    files_quarantined: int = 0
    files_unchanged: int = 0  # rewritten or touched with the bytes already loaded
    files_unreadable: int = 0  # could not be read this time; retried next run
    records_read: int = 0
    duplicates_in_batch: int = 0  # other copies of a record within one transaction, not loaded
    bytes_read: int = 0
    errors: list[str] = field(default_factory=list)


R = TypeVar("R", bound=FeedReport)


def _no_extra(rejection: Any) -> dict:
    return {}


@dataclass(frozen=True)
class Feed(Generic[R]):
    """What one landed feed brings to the loader; its methods are the feed's load."""

    prefix: str  # the top-level landing folder
    records: str  # what its rows are called in messages: "rows", "events"
    parse: Callable[..., ParsedFile]  # (key, body, *, max_bytes) -> rows and rejected records
    tables: FeedTables
    create_tables_sql: Callable[[Dialect], list[str]]
    merge_steps: Callable[[Dialect], list[MergeStep]]  # ledger re-check ... ledger rows
    report: type[R]
    tally: Callable[[dict[str, int], R], None]  # the merge's counts into the feed's own fields
    chunk_files: int  # files per load transaction, unless the caller says otherwise
    bulk: bool = False  # its row batch is large: on Redshift, staged in S3 and COPYed
    quarantine_extra: Callable[[Any], dict] = _no_extra  # the feed's own quarantine columns

    @cached_property
    def schema(self) -> pa.Schema:
        return arrow_schema(self.tables.staging_columns)

    def load_partition(
        self,
        landing: Landing,
        session: WarehouseSession,
        day: date,
        *,
        run_id: str | None = None,
        chunk_files: int | None = None,
        read_workers: int = 1,
        parse_processes: int = 1,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> R:
        """Load every new file of one day's prefix; returns what happened, file and row counts.

        Files are parsed in batches and written in transactions of about ``chunk_files`` files
        (the feed's own number by default), so memory stays bounded whatever the size of the day.
        """
        return self.load_partitions(
            landing,
            session,
            [day],
            run_id=run_id,
            chunk_files=chunk_files,
            read_workers=read_workers,
            parse_processes=parse_processes,
            max_file_bytes=max_file_bytes,
            on_progress=on_progress,
        )

    def load_partitions(
        self,
        landing: Landing,
        session: WarehouseSession,
        days: Sequence[date],
        *,
        run_id: str | None = None,
        chunk_files: int | None = None,
        read_workers: int = 1,
        parse_processes: int = 1,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> R:
        """Load every new file of several days' prefixes: one report for them all.

        A transaction gathers about ``chunk_files`` files whatever their day, so a backfill of
        many small days pays for a few transactions, not one per day; each row, quarantine row
        and ledger row keeps its own partition date, and the merge is the same as for one day.
        A local landing's files are parsed in ``parse_processes`` worker processes when there
        are enough of them (``parse_pool``); remote reads use ``read_workers`` threads.
        """
        if chunk_files is None:
            chunk_files = self.chunk_files
        days = sorted(set(days))
        report = self.report(partition=days_label(days))
        if not days:
            return report
        self.ensure_tables(session)
        loaded_at = datetime.now(UTC).replace(tzinfo=None)
        batch_size = max(1, min(PARSE_BATCH, chunk_files))
        found = 0  # new files listed so far: the days are listed as the load reaches them

        def days_pending() -> Iterator[tuple[date, list[Pending], dict[str, str]]]:
            nonlocal found
            for day in days:
                pending, digests = self._pending(landing, session, day, report)
                found += len(pending)
                yield day, pending, digests

        listed = days_pending()
        first = next(listed)
        # Worker processes pay off from MIN_FILES_FOR_PROCESSES files; the first day's count
        # times the number of days estimates the load without listing every day first.
        estimate = len(first[1]) * len(days)
        processes = parse_processes if isinstance(landing, LocalLanding) else 1
        tasks = (
            (
                self.parse_files,
                (landing, part, day, run_id, loaded_at, max_file_bytes, read_workers, digests),
                {},
            )
            for day, pending, digests in itertools.chain([first], listed)
            for part in _slices(pending, batch_size)
        )
        workers = processes_for(estimate, processes)
        # The workers parse the next chunk while this process writes the last one: without
        # the headroom they stopped after a few batches at every transaction (100,000 files on
        # 2 cores: 0.94x wall, peak +35 MiB).
        ahead = chunk_files // batch_size + 2 * workers
        write_in_chunks(
            ordered_results(tasks, workers, report.errors.append, ahead=ahead),
            ParsedBatch.combine,
            lambda batch: self._write(session, batch, report),
            chunk_files=chunk_files,
            pending=lambda: found,
            on_progress=on_progress,
        )
        return report

    def _pending(
        self, landing: Landing, session: WarehouseSession, day: date, report: R
    ) -> tuple[list[Pending], dict[str, str]]:
        """The day's files to load (``pending.py``), counted into ``report``."""
        prefix = partition_prefix(day, self.prefix)
        files = files_to_load(landing, session, self.tables.ledger, prefix, day)
        report.files_seen += files.listed
        report.files_already_loaded += files.listed - len(files.pending)
        return files.pending, files.digests

    def parse_files(
        self,
        landing: Landing,
        objects: Sequence[Pending],
        day: date,
        run_id: str | None,
        loaded_at: datetime,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        read_workers: int = 1,
        loaded_digests: dict[str, str] | None = None,
    ) -> ParsedBatch:
        """Every file of ``objects`` as the feed's staged rows, quarantine rows and one ledger
        row each (unreadable files excepted: they are listed in ``unreadable`` and retried)."""
        return parse_batch(
            landing,
            objects,
            partial(self.parse, max_bytes=max_file_bytes),
            self.schema,
            day,
            run_id,
            loaded_at,
            max_bytes=max_file_bytes,
            workers=read_workers,
            loaded_digests=loaded_digests,
            quarantine_extra=self.quarantine_extra,
        )

    def _write(self, session: WarehouseSession, batch: ParsedBatch, total: R) -> int:
        report_unreadable(total, batch.unreadable)
        if not batch.ledger:
            return batch.files
        counts = self.apply_batch(session, batch.rows, batch.quarantine, batch.ledger)
        already = counts["files_already_loaded"]
        if already:
            total.errors.append(
                f"{already} file(s) were loaded by an overlapping run first; their "
                f"{self.records} were not loaded again"
            )
            total.files_already_loaded += already
        total.files_loaded += counts.get("status_loaded", 0)
        total.files_partially_quarantined += counts.get("status_partial", 0)
        total.files_quarantined += counts.get("status_quarantined", 0)
        total.files_unchanged += counts.get("status_unchanged", 0)
        self.tally(counts, total)
        total.bytes_read += batch.bytes_read
        return batch.files

    def ensure_tables(self, session: WarehouseSession) -> None:
        run_in_transaction(session, self.create_tables_sql(session.dialect))

    def apply_batch(
        self,
        session: WarehouseSession,
        rows: list[dict] | pa.Table,
        quarantine: list[dict],
        ledger: list[dict],
    ) -> dict[str, int]:
        """Run one load transaction; returns the row counts the merge steps report, the
        recorded files per status (``status_<status>``) and their records (``records_total``)."""
        tables = self.tables

        def work() -> dict[str, int]:
            counts: dict[str, int] = {}
            for statement in feed_sql.batch_tables_sql(tables, session.dialect):
                session.execute(statement)
            self._stage_rows(session, rows)
            session.fill_batch(tables.quarantine_batch, tables.quarantine_columns, quarantine)
            session.fill_batch(tables.ledger_batch, LEDGER_COLUMNS, ledger)
            for step in self.merge_steps(session.dialect):
                if step.sql.startswith("select"):
                    value = int(session.query(step.sql)[0][0])
                else:
                    value = session.execute(step.sql)
                if step.counts:
                    counts[step.counts] = value
            counts["records_total"] = 0
            for status, files, records in session.query(feed_sql.files_per_status_sql(tables)):
                counts[f"status_{status}"] = int(files)
                counts["records_total"] += int(records)
            return counts

        # A serialization failure (a concurrent load, judge run or alert write) re-runs it all.
        return in_transaction(session, work)

    def _stage_rows(self, session: WarehouseSession, rows: list[dict] | pa.Table) -> None:
        """The batch's rows where the merge reads them: in the batch table, or, for a feed whose
        rows DuckDB reads in place, in their Arrow table (numbered by ``BATCH_ROW``) kept for
        the transaction, with only their keys in the batch table."""
        tables = self.tables
        name = tables.rows_read_in_place(session.dialect)
        if name is None:
            session.fill_batch(tables.batch, tables.staging_columns, rows, bulk=self.bulk)
            return
        if not isinstance(session, KeepsRowsInPlace):
            raise TypeError(f"a {session.dialect} session must keep rows in place (keep_rows)")
        table = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(rows, self.schema)
        positions = pa.array(range(table.num_rows), pa.int64())
        session.keep_rows(name, table.append_column(BATCH_ROW, positions))
        session.execute(feed_sql.batch_keys_sql(tables))

    def partition_quality(self, session: WarehouseSession, day: date) -> tuple[int, int, int]:
        """(records seen, records quarantined, files recorded) for one partition, all loads."""
        statement = feed_sql.partition_quality_sql(session.param, self.tables.ledger)
        records, quarantined, files = session.query(statement, (day,))[0]
        return int(records), int(quarantined), int(files)

    def staged_count(self, session: WarehouseSession, first: date, last: date) -> int:
        """Rows in the feed's target whose file key falls on the days ``first``..``last``."""
        statement = (
            f"select count(*) from {self.tables.target} "
            f"where _partition_date between {session.param} and {session.param}"
        )
        return int(session.query(statement, (first, last))[0][0])


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
    pending: Callable[[], int],
    on_progress: Callable[[int, int], None] | None = None,
) -> None:
    """Gather parsed batches until they hold ``chunk_files`` files, then write them as one
    transaction; ``write`` returns the files written, reported through ``on_progress`` with
    ``pending()``, the new files found so far."""
    done = 0
    waiting: list[B] = []

    def flush() -> None:
        nonlocal done, waiting
        done += write(combine(waiting))
        waiting = []
        if on_progress:
            on_progress(done, pending())

    for batch in batches:
        waiting.append(batch)
        if sum(b.files for b in waiting) >= chunk_files:
            flush()
    if waiting:
        flush()


def days_label(days: Sequence[date]) -> str:
    """A load's days in a report or a log line: "2025-08-08", "2025-08-01..2025-08-30"."""
    if not days:
        return ""
    return days[0].isoformat() if len(days) == 1 else f"{days[0]}..{days[-1]}"


def _slices(items: Sequence[Pending], size: int) -> Iterator[Sequence[Pending]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def report_unreadable(total: FeedReport, unreadable: Sequence[str]) -> None:
    """Unreadable files (retried next run) into a report: counted, and named in its errors."""
    total.files_unreadable += len(unreadable)
    total.errors += unreadable[:20]
    if len(unreadable) > 20:
        total.errors.append(f"and {len(unreadable) - 20} more unreadable file(s)")
