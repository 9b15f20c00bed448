"""Kinesis batches for the stream consumers (trigger_sfn, status_recorder): the records of a Lambda
batch event, their decoded JSON payloads, and the batch report with ``batchItemFailures``.

Bundled into every function beside its own folder (``infra_cdk/bundling.py``).
"""

import base64
import binascii
import logging
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson


class InvalidRecordError(ValueError):
    """A record that can never be processed (bad base64, bad JSON, not a JSON object)."""


@dataclass(frozen=True, slots=True)
class KinesisRecord:
    sequence_number: str
    data: bytes


def kinesis_records(event: Mapping[str, Any]) -> list[KinesisRecord]:
    """The records of a Lambda Kinesis event, in delivery (shard) order, data still encoded."""
    records = []
    for record in event.get("Records") or []:
        kinesis = record.get("kinesis") or {}
        records.append(
            KinesisRecord(
                sequence_number=str(kinesis.get("sequenceNumber", "")),
                data=str(kinesis.get("data", "")).encode("ascii", errors="replace"),
            )
        )
    return records


def decode_payload(record: KinesisRecord) -> dict[str, Any]:
    """The JSON object a record carries; ``InvalidRecordError`` says why it is unreadable."""
    try:
        raw = base64.b64decode(record.data, validate=True)
    except (binascii.Error, ValueError) as error:
        raise InvalidRecordError(f"data is not base64: {error}") from error
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise InvalidRecordError(f"data is not JSON: {error}") from error
    if not isinstance(payload, dict):
        raise InvalidRecordError(f"data is JSON {type(payload).__name__}, not an object")
    return payload


@dataclass(slots=True)
class BatchReport:
    """What happened to a batch: counts per outcome and the sequence numbers to retry."""

    counts: Counter[str] = field(default_factory=Counter)
    skipped_events: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def response(self) -> dict[str, list[dict[str, str]]]:
        """The Lambda response for ``ReportBatchItemFailures``."""
        return {"batchItemFailures": [{"itemIdentifier": seq} for seq in self.failures]}


def configure_logging() -> None:
    """The root log level from ``LOG_LEVEL`` (default INFO), read when a handler runs."""
    logging.getLogger().setLevel(os.environ.get("LOG_LEVEL", "INFO"))


def log_record(
    logger: logging.Logger,
    message: str,
    record: KinesisRecord,
    *,
    level: int = logging.INFO,
    **fields: Any,
) -> None:
    """One JSON log line about one record of the batch."""
    line = {"message": message, "sequence_number": record.sequence_number, **fields}
    logger.log(level, orjson.dumps(line, default=str).decode())


def log_report(logger: logging.Logger, report: BatchReport) -> None:
    """One JSON line with the batch's counts."""
    line = {
        "message": "batch_done",
        **dict(report.counts),
        "skipped_events": dict(report.skipped_events),
        "batch_item_failures": len(report.failures),
    }
    logger.info(orjson.dumps(line).decode())
