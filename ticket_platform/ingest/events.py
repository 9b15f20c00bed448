"""The lifecycle events feed: landed stream events → ``raw.ticket_events``, once per file version.

Firehose (or the simulator's stand-in) delivers every record of the ticket stream to
``events/YYYY/MM/DD/<stream>-...jsonl.gz``: gzip JSON lines, one object per hour of arrival. Each
line is checked against the event contract (``parse_event_line``). The load is the generic feed
loader's (``feed.py``: ledger, quarantine, bounded batches, one transaction per chunk); what is
the events' own is the merge (``events_sql.event_merge_steps``: one row per ``event_id``, stored
events never replaced, a different payload under a stored id quarantined) and the counts of its
report.

Nothing is dropped: an unreadable file and every bad line land in ``raw.event_quarantine`` with a
readable reason, and every file is recorded once in the ledger. ``TicketSubmitted`` records are
loaded too, as the ``SUBMITTED`` milestone under their stable id (``<ticket_id>:SUBMITTED``),
keeping only what routes the ticket (product, issue type, subject), as the lifecycle store does;
the ticket's text and the customer's details stay in ``raw.tickets``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date
from typing import Any

import orjson
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
from ticket_platform.ingest.feed import Feed, FeedReport
from ticket_platform.ingest.layout import EVENTS_PREFIX
from ticket_platform.ingest.parsing import (
    DEFAULT_MAX_FILE_BYTES,
    ParsedFile,
    Rejected,
    bounded_text,
    describe_validation_error,
    file_content,
    iter_lines,
)
from ticket_platform.warehouse.session import WarehouseSession

__all__ = ["EVENTS_PREFIX"]  # importable from here as before the layout had its own module

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
    content = file_content(body, max_bytes)
    if isinstance(content, Rejected):
        out.rejected.append(RejectedEvent(None, content.reason, content.raw_text))
        return out
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as error:
        reason = f"not UTF-8 text (byte {error.start}): binary or mis-encoded file"
        out.rejected.append(RejectedEvent(None, reason, bounded_text(content[:200])))
        return out
    for number, line in iter_lines(content):
        parsed = parse_event_line(line, number)
        if isinstance(parsed, RejectedEvent):
            out.reject(parsed)
        else:
            out.rows.append(parsed)
    return out


# --------------------------------------------------------------------------------------------
# The load: the generic feed loader with the events' merge and report
# --------------------------------------------------------------------------------------------
@dataclass
class EventLoadReport(FeedReport):
    """An event load's counts: the feed's, and what the immutable-event merge did."""

    events_inserted: int = 0
    events_quarantined: int = 0  # bad records and conflicting duplicates
    duplicates_skipped: int = 0  # identical to an event already stored
    duplicate_conflicts: int = 0  # same event_id, different content (quarantined)


def _tally(counts: dict[str, int], total: EventLoadReport) -> None:
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


def _event_id(rejected: Any) -> dict:
    return {"event_id": getattr(rejected, "event_id", None)}


EVENTS: Feed[EventLoadReport] = Feed(
    prefix=EVENTS_PREFIX,
    records="events",
    parse=parse_event_file,
    tables=sql.TABLES,
    create_tables_sql=sql.create_event_tables_sql,
    merge_steps=sql.event_merge_steps,
    report=EventLoadReport,
    tally=_tally,
    # An event file holds an hour of the stream, so far more records than a ticket file.
    chunk_files=2_000,
    bulk=True,  # a day's events are many: on Redshift one COPY from the staging prefix
    quarantine_extra=_event_id,
)


# The events' load, as the assets, sensors and tests call it.
load_event_partition = EVENTS.load_partition
load_event_partitions = EVENTS.load_partitions
parse_event_files = EVENTS.parse_files
ensure_event_tables = EVENTS.ensure_tables
apply_event_batch = EVENTS.apply_batch
event_partition_quality = EVENTS.partition_quality
staged_event_count = EVENTS.staged_count


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
