"""Record every event of a Kinesis batch in the lifecycle store.

Outcome of each record: ``recorded`` (new in the history) — of which ``out_of_order`` when older
than the ticket's state, which then stands — or ``duplicate`` (already in the history; a
``state_repaired`` duplicate finished a write an earlier attempt left half done); ``skipped``
(an event name this platform does not know); ``invalid`` (bad base64 / JSON / contract: logged,
not retried); ``failed`` (throttling or another service error).

A ``TicketProcessingFailed`` event whose text is longer than the contract allows (Step Functions
causes run to 32,768 characters; the contract keeps 4,000) is recorded with that text cut to the
cap and marked (``TRUNCATION_MARKER``), counted as ``truncated``: a failure must not vanish from
the history because its stack trace was long.

As in trigger_sfn, processing stops at the first failure, which is reported with every record
after it in ``batchItemFailures``: Kinesis redelivers from there, and the conditional writes make
the records already done no-ops.
"""

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from lambdas.common.kinesis import (
    BatchReport,
    InvalidRecordError,
    KinesisRecord,
    decode_payload,
    log_record,
)
from lambdas.status_recorder.store import LifecycleStore
from ticket_platform.contracts import (
    DATA_MODELS,
    EventName,
    StreamEvent,
    UnknownEventError,
    event_id_of,
    milestone_of,
    now_utc,
    parse_stream_event,
)

logger = logging.getLogger(__name__)

TRUNCATION_MARKER = " [truncated by status_recorder: {kept} of {total} characters]"


def _text_caps(model: type) -> dict[str, int]:
    """The ``max_length`` of every capped text field of a contract data model."""
    caps = {}
    for name, info in model.model_fields.items():
        for constraint in info.metadata:
            if getattr(constraint, "max_length", None) is not None:
                caps[name] = constraint.max_length
    return caps


# Read from the contract itself, so the cap here can never drift from the one it enforces.
_FAILURE_CAPS = _text_caps(DATA_MODELS[EventName.TICKET_PROCESSING_FAILED])


def fit_failure_text(payload: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``payload`` with the over-long texts of a ``TicketProcessingFailed`` event cut to the
    contract's caps (the end replaced by ``TRUNCATION_MARKER``), and the names of the fields cut.
    Any other payload comes back as it is."""
    data = payload.get("data")
    if payload.get("eventName") != EventName.TICKET_PROCESSING_FAILED or not isinstance(data, dict):
        return payload, []
    fitted, cut = dict(data), []
    for name, cap in _FAILURE_CAPS.items():
        value = data.get(name)
        if isinstance(value, str) and len(value) > cap:
            marker = TRUNCATION_MARKER.format(kept="{kept}", total=len(value))
            kept = cap - len(marker.format(kept=cap))
            fitted[name] = value[:kept] + marker.format(kept=kept)
            cut.append(name)
    return ({**payload, "data": fitted}, cut) if cut else (payload, [])


def record_events(
    records: Sequence[KinesisRecord],
    store: LifecycleStore,
    clock: Callable[[], datetime] = now_utc,
) -> BatchReport:
    """Record every event of ``records`` in ``store`` (see module docstring)."""
    report = BatchReport()
    report.counts["received"] = len(records)
    for position, record in enumerate(records):
        outcome = _process(record, store, clock, report)
        if outcome == "failed":
            report.counts["failed"] += 1
            report.failures = [r.sequence_number for r in records[position:]]
            report.counts["not_attempted"] = len(records) - position - 1
            break
    return report


def _process(
    record: KinesisRecord,
    store: LifecycleStore,
    clock: Callable[[], datetime],
    report: BatchReport,
) -> str:
    payload: dict[str, Any] = {}
    cut: list[str] = []
    try:
        payload, cut = fit_failure_text(decode_payload(record))
        event = parse_stream_event(payload)
    except UnknownEventError:
        report.counts["skipped"] += 1
        report.skipped_events[str(payload.get("eventName"))] += 1
        return "skipped"
    except (InvalidRecordError, ValueError) as error:  # pydantic's ValidationError included
        report.counts["invalid"] += 1
        _log("invalid_record", record, level=logging.WARNING, reason=_describe(error))
        return "invalid"
    if cut:
        report.counts["truncated"] += 1
        _log_event("truncated", record, event, logging.WARNING, fields=cut)
    try:
        outcome = store.record(event, clock())
    except (ClientError, BotoCoreError) as error:
        code = (
            error.response.get("Error", {}).get("Code", "")
            if isinstance(error, ClientError)
            else type(error).__name__
        )
        _log_event("record_failed", record, event, logging.WARNING, error=code, detail=str(error))
        return "failed"
    if outcome.new_event:
        report.counts["recorded"] += 1
        if not outcome.state_updated:
            report.counts["out_of_order"] += 1
            _log_event("out_of_order", record, event, logging.INFO)
    else:
        report.counts["duplicate"] += 1
        if outcome.state_updated:
            report.counts["state_repaired"] += 1
    return "done"


def _describe(error: Exception, limit: int = 3) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in item['loc']) or 'record'}: {item['msg']}"
            for item in error.errors(include_url=False)[:limit]
        )
    return str(error)


def _log_event(
    message: str, record: KinesisRecord, event: StreamEvent, level: int, **fields: Any
) -> None:
    _log(
        message,
        record,
        level=level,
        ticket_id=event.ticketId,
        event_id=event_id_of(event),
        milestone=str(milestone_of(event)),
        **fields,
    )


def _log(message: str, record: KinesisRecord, *, level: int = logging.INFO, **fields: Any) -> None:
    log_record(logger, message, record, level=level, **fields)
