"""Load a day of landed lifecycle events into ``raw.ticket_events``, once per file version.

Firehose (or the simulator's stand-in) delivers every record of the ticket stream to
``events/YYYY/MM/DD/<stream>-...jsonl.gz``: gzip JSON lines, one object per hour of arrival. The
load mirrors the ticket loader (``lib/ingest.py``):

1. List the day's prefix and drop files whose (key, etag) ``raw.event_ledger`` already holds.
2. Read and parse the rest in chunks; each line is checked against the event contract.
3. Per chunk, one transaction: fill batch tables, then ``events_sql.event_merge_steps`` (ledger
   re-checked under a lock, one row per ``event_id``, stored events never replaced).

Nothing is dropped: an unreadable file and every bad line land in ``raw.event_quarantine`` with a
readable reason, and every file is recorded once in the ledger. ``TicketSubmitted`` records are
loaded too, as the ``SUBMITTED`` milestone under their stable id (``<ticket_id>:SUBMITTED``),
keeping only what routes the ticket (product, issue type, subject), as the lifecycle store does;
the ticket's text and the customer's details stay in ``raw.tickets``.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import orjson
import pyarrow as pa
from pydantic import ValidationError

from ticket_platform.contracts import (
    DATA_MODELS,
    EventName,
    StreamEvent,
    TicketSubmittedEvent,
    UnknownEventError,
    event_data,
    event_id_of,
    milestone_of,
    occurred_at_of,
    parse_stream_event,
)
from ticket_platform.ingest import events_sql as sql
from ticket_platform.ingest.batch import arrow_rows, collect_files
from ticket_platform.ingest.landing import Landing, LandingObject
from ticket_platform.ingest.parsing import (
    DEFAULT_MAX_FILE_BYTES,
    ParsedFile,
    Rejected,
    bounded_text,
    describe_validation_error,
    gunzip_members,
    iter_lines,
    strip_bom,
)
from ticket_platform.ingest.tickets import (
    PARSE_BATCH,
    SummedCounts,
    _slices,
    loaded_digests,
    partition_prefix,
    report_unreadable,
    write_in_chunks,
)
from ticket_platform.warehouse.session import (
    WarehouseSession,
    arrow_schema,
    rollback_keeping_cause,
    run_in_transaction,
)

EVENTS_PREFIX = "events"
_STAGING_SCHEMA = arrow_schema(sql.EVENT_STAGING_COLUMNS)
_KNOWN_NAMES = frozenset(EventName.__members__.values())


# --------------------------------------------------------------------------------------------
# Parsing: bytes of one file → event rows and rejected records (no database)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RejectedEvent(Rejected):
    """A rejected line (``line_number`` None: the whole file), with its event id if it had one."""

    event_id: str | None = None


@dataclass(slots=True)
class ParsedEventFile(ParsedFile):
    """A ``ParsedFile`` whose rejected records are ``RejectedEvent``s."""

    def counting_record(self, reason: str) -> RejectedEvent:
        return RejectedEvent(None, reason, "")


def event_row(event: StreamEvent) -> dict[str, Any]:
    """The ``raw.ticket_events`` columns of a contract-valid stream event (lineage excluded)."""
    data = event_data(event)
    submitted = isinstance(event, TicketSubmittedEvent)
    row = {
        "event_id": event_id_of(event),
        "ticket_id": event.ticketId,
        "event_name": str(event.eventName),
        "milestone": str(milestone_of(event)),
        "source": "helpdesk" if submitted else str(event.source),
        "occurred_at": occurred_at_of(event).astimezone(UTC).replace(tzinfo=None),
        "agent": data.get("agent"),
        "team": data.get("team"),
        "priority": data.get("priority"),
        "sentiment": data.get("sentiment"),
        "rating": data.get("rating"),
        "data": orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode(),
    }
    canonical = [row[c] for c in ("event_id", "ticket_id", "event_name", "source", "data")]
    canonical.append(row["occurred_at"].isoformat())
    row["_content_hash"] = hashlib.md5(orjson.dumps(canonical), usedforsecurity=False).hexdigest()
    return row


def _text_field(payload: dict[str, Any], name: str, limit: int) -> str | None:
    value = payload.get(name)
    return str(value)[:limit] if value not in (None, "") else None


def _contract_reason(name: str, payload: dict[str, Any], error: ValidationError) -> str:
    model = DATA_MODELS.get(name)
    if model is not None and isinstance(payload.get("data"), dict):
        try:
            model.model_validate(payload["data"])
        except ValidationError as data_error:
            return (
                f"data of {name} does not match the event contract: "
                f"{describe_validation_error(data_error)}"
            )
    items = error.errors(include_url=False)
    if all(item["type"] == "value_error" and not item["loc"] for item in items):
        # The envelope's own rules (e.g. which source may send an event): no need for the input.
        return "does not match the event contract: " + "; ".join(
            str(item["ctx"]["error"]) if "ctx" in item else item["msg"] for item in items
        )
    return f"does not match the event contract: {describe_validation_error(error)}"


def parse_event_line(line: bytes, line_number: int | None = None) -> dict | RejectedEvent:
    """One JSON line as an event row, or the reason it cannot be one."""

    def reject(reason: str, payload: dict[str, Any] | None = None) -> RejectedEvent:
        payload = payload or {}
        return RejectedEvent(
            line_number,
            reason,
            bounded_text(line),
            _text_field(payload, "ticketId", 64),
            _text_field(payload, "eventId", 160),
        )

    try:
        payload = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        return reject(f"invalid JSON: {error}")
    if not isinstance(payload, dict):
        return reject(f"not a JSON object: got a JSON {type(payload).__name__}")
    name = payload.get("eventName")
    if name in (None, ""):
        return reject("missing eventName", payload)
    if not isinstance(name, str) or name not in _KNOWN_NAMES:
        return reject(f"unknown event name {str(name)[:80]!r}", payload)
    if payload.get("ticketId") in (None, ""):
        return reject("missing ticketId", payload)
    if name != EventName.TICKET_SUBMITTED and payload.get("eventId") in (None, ""):
        return reject("missing eventId", payload)
    try:
        event = parse_stream_event(payload)
    except UnknownEventError as error:  # defensive: the name check above comes first
        return reject(str(error), payload)
    except ValidationError as error:
        return reject(_contract_reason(name, payload, error), payload)
    row = event_row(event)
    row["_line_number"] = line_number
    return row


def parse_event_file(
    key: str, body: bytes, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> ParsedEventFile:
    """Parse one landed event file (gzip or plain JSON lines) into event rows and rejects."""
    return _parse_event_file(body, max_bytes).close()


def _parse_event_file(body: bytes, max_bytes: int) -> ParsedEventFile:
    out = ParsedEventFile()

    def reject_file(reason: str, raw: bytes = body) -> ParsedEventFile:
        out.rejected.append(RejectedEvent(None, reason, bounded_text(raw)))
        return out

    if len(body) > max_bytes:
        return reject_file(f"file too large: {len(body)} bytes (limit {max_bytes})", body[:200])
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip_members(body, max_bytes)
        except (zlib.error, ValueError) as error:
            return reject_file(f"unreadable gzip: {error}", body[:200])
    body = strip_bom(body)
    if not body or body.isspace():
        return reject_file("empty file")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        return reject_file(
            f"not UTF-8 text (byte {error.start}): binary or mis-encoded file", body[:200]
        )
    for number, line in iter_lines(body):
        parsed = parse_event_line(line, number)
        if isinstance(parsed, RejectedEvent):
            out.reject(parsed)
        else:
            out.rows.append(parsed)
    return out


# --------------------------------------------------------------------------------------------
# A batch of files → Arrow rows, quarantine rows, ledger rows
# --------------------------------------------------------------------------------------------
@dataclass
class EventBatch:
    events: pa.Table
    quarantine: list[dict] = field(default_factory=list)
    ledger: list[dict] = field(default_factory=list)
    bytes_read: int = 0
    unreadable: list[str] = field(default_factory=list)  # "key: error", retried next run

    @property
    def files(self) -> int:
        return len(self.ledger) + len(self.unreadable)

    @staticmethod
    def combine(batches: Sequence[EventBatch]) -> EventBatch:
        return EventBatch(
            events=pa.concat_tables([b.events for b in batches]),
            quarantine=[row for b in batches for row in b.quarantine],
            ledger=[row for b in batches for row in b.ledger],
            bytes_read=sum(b.bytes_read for b in batches),
            unreadable=[key for b in batches for key in b.unreadable],
        )


def parse_event_files(
    landing: Landing,
    objects: Sequence[LandingObject],
    day: date,
    run_id: str | None,
    loaded_at: datetime,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    read_workers: int = 1,
    loaded_digests: Mapping[str, str] | None = None,
) -> EventBatch:
    """Every file of ``objects`` as event rows, quarantine rows and one ledger row each
    (unreadable files excepted: they are listed in ``unreadable`` and retried)."""

    def parse(key: str, body: bytes) -> ParsedEventFile:
        return parse_event_file(key, body, max_bytes=max_file_bytes)

    out = collect_files(
        landing,
        objects,
        parse,
        day,
        run_id,
        loaded_at,
        max_bytes=max_file_bytes,
        workers=read_workers,
        loaded_digests=loaded_digests,
        quarantine_extra=lambda rejected: {"event_id": getattr(rejected, "event_id", None)},
    )
    return EventBatch(
        events=arrow_rows(out.rows, _STAGING_SCHEMA),
        quarantine=out.quarantine,
        ledger=out.ledger,
        bytes_read=out.bytes_read,
        unreadable=out.unreadable,
    )


# --------------------------------------------------------------------------------------------
# The load
# --------------------------------------------------------------------------------------------
@dataclass
class EventLoadReport(SummedCounts):
    partition: str
    files_seen: int = 0
    files_already_loaded: int = 0
    files_loaded: int = 0
    files_partially_quarantined: int = 0
    files_quarantined: int = 0
    records_read: int = 0
    events_inserted: int = 0
    events_quarantined: int = 0  # bad records and conflicting duplicates
    duplicates_in_batch: int = 0  # identical copies within the files of one transaction
    duplicates_skipped: int = 0  # identical to an event already stored
    duplicate_conflicts: int = 0  # same event_id, different content (quarantined)
    files_unchanged: int = 0  # rewritten or touched with the bytes already loaded
    files_unreadable: int = 0  # could not be read this time; retried next run
    bytes_read: int = 0
    errors: list[str] = field(default_factory=list)


def load_event_partition(
    landing: Landing,
    session: WarehouseSession,
    day: date,
    *,
    run_id: str | None = None,
    chunk_files: int = 2_000,
    read_workers: int = 1,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    on_progress: Callable[[int, int], None] | None = None,
) -> EventLoadReport:
    """Load every new event file of one day's prefix; returns file and record counts.

    Files are parsed in batches and written in transactions of about ``chunk_files`` files (an
    event file holds an hour of the stream, so far more records than a ticket file).
    """
    report = EventLoadReport(partition=day.isoformat())
    ensure_event_tables(session)
    known = set(session.query(sql.loaded_event_files_sql(session.param), (day,)))
    listed = sorted(landing.list(partition_prefix(day, EVENTS_PREFIX)), key=lambda o: o.key)
    report.files_seen = len(listed)
    pending = [o for o in listed if (o.key, o.etag) not in known]
    report.files_already_loaded = len(listed) - len(pending)
    digests = loaded_digests(session, sql.loaded_event_digests_sql(session.param), day, pending)

    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    batch_size = max(1, min(PARSE_BATCH, chunk_files))
    parse_args = (day, run_id, loaded_at, max_file_bytes, read_workers, digests)
    write_in_chunks(
        (parse_event_files(landing, part, *parse_args) for part in _slices(pending, batch_size)),
        EventBatch.combine,
        lambda batch: _write(session, batch, report),
        chunk_files=chunk_files,
        pending=len(pending),
        on_progress=on_progress,
    )
    return report


def _write(session: WarehouseSession, batch: EventBatch, total: EventLoadReport) -> int:
    report_unreadable(total, batch.unreadable)
    if not batch.ledger:
        return batch.files
    counts = apply_event_batch(session, batch.events, batch.quarantine, batch.ledger)
    already = counts["files_already_loaded"]
    if already:
        total.errors.append(
            f"{already} file(s) were loaded by an overlapping run first; their events were not "
            "loaded again"
        )
        total.files_already_loaded += already
    total.files_loaded += counts.get("status_loaded", 0)
    total.files_partially_quarantined += counts.get("status_partial", 0)
    total.files_quarantined += counts.get("status_quarantined", 0)
    total.files_unchanged += counts.get("status_unchanged", 0)
    total.records_read += counts["records_total"]
    total.events_inserted += counts["rows_inserted"]
    total.events_quarantined += counts["rows_quarantined"]
    total.duplicates_skipped += counts["duplicates_skipped"]
    total.duplicate_conflicts += counts["duplicate_conflicts"]
    total.duplicates_in_batch += (
        counts["batch_rows"]
        - counts["rows_inserted"]
        - counts["duplicates_skipped"]
        - counts["duplicate_conflicts"]
    )
    total.bytes_read += batch.bytes_read
    return batch.files


def ensure_event_tables(session: WarehouseSession) -> None:
    run_in_transaction(session, sql.create_event_tables_sql(session.dialect))


def apply_event_batch(
    session: WarehouseSession,
    events: list[dict] | pa.Table,
    quarantine: list[dict],
    ledger: list[dict],
) -> dict[str, int]:
    """Run one event load transaction; returns the row counts the merge steps report, the
    recorded files per status (``status_<status>``) and ``records_total``."""
    counts: dict[str, int] = {}
    session.begin()
    try:
        for statement in sql.create_event_batch_tables_sql(session.dialect):
            session.execute(statement)
        session.fill_batch(sql.EVENTS_BATCH, sql.EVENT_STAGING_COLUMNS, events)
        session.fill_batch(sql.EVENT_QUARANTINE_BATCH, sql.EVENT_QUARANTINE_COLUMNS, quarantine)
        session.fill_batch(sql.EVENT_LEDGER_BATCH, sql.EVENT_LEDGER_COLUMNS, ledger)
        for step in sql.event_merge_steps(session.dialect):
            if step.sql.startswith("select"):
                value = int(session.query(step.sql)[0][0])
            else:
                value = session.execute(step.sql)
            if step.counts:
                counts[step.counts] = value
        counts["records_total"] = 0
        for status, files, records in session.query(
            f"select status, count(*), coalesce(sum(records_total), 0) "
            f"from {sql.EVENT_LEDGER_BATCH} group by status"
        ):
            counts[f"status_{status}"] = int(files)
            counts["records_total"] += int(records)
        session.commit()
    except Exception as error:
        rollback_keeping_cause(session, error)
        raise
    return counts


def event_partition_quality(session: WarehouseSession, day: date) -> tuple[int, int, int]:
    """(records seen, records quarantined, files recorded) for one partition over all loads."""
    records, quarantined, files = session.query(
        sql.event_partition_quality_sql(session.param), (day,)
    )[0]
    return int(records), int(quarantined), int(files)


def staged_event_count(session: WarehouseSession, first: date, last: date) -> int:
    """Rows in ``raw.ticket_events`` whose file key falls on the days ``first``..``last``."""
    statement = (
        f"select count(*) from {sql.EVENTS_TABLE} "
        f"where _partition_date between {session.param} and {session.param}"
    )
    return int(session.query(statement, (first, last))[0][0])


def quarantine_reasons(session: WarehouseSession, day: date) -> dict[str, int]:
    """Quarantined records of one partition by reason (the text before the first colon)."""
    rows = session.query(
        f"select reason from {sql.EVENT_QUARANTINE_TABLE} where partition_date = {session.param}",
        (day,),
    )
    return _count_by_prefix(reason for (reason,) in rows)


def _count_by_prefix(reasons: Iterable[str]) -> dict[str, int]:
    counted: dict[str, int] = {}
    for reason in reasons:
        head = reason.split(":", 1)[0]
        counted[head] = counted.get(head, 0) + 1
    return dict(sorted(counted.items()))
