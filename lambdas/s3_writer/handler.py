"""Lambda entry point of s3_writer (a task of the ticket workflow).

Environment: ``TICKET_BUCKET``, ``TICKET_PREFIX`` (default ``tickets``), ``RECORD_SOURCE``
(default ``realtime``). Input ``{"ticket", "sentiment", "response", "processedAt"}``; returns
``$.stored``: ``{"bucket", "key", "written"}``.
"""

import functools
import logging
import os
from typing import Any

import boto3
import orjson
from botocore.config import Config

from lambdas.common.kinesis import configure_logging
from lambdas.s3_writer.store import S3TicketStore
from lambdas.s3_writer.writer import DEFAULT_PREFIX, write_ticket
from ticket_platform.contracts import RecordSource

logger = logging.getLogger(__name__)


class ConfigurationError(ValueError):
    """The function's environment is wrong (missing bucket, unknown record source)."""


@functools.cache
def _store() -> S3TicketStore:
    """One S3 client and store per container."""
    bucket = os.environ.get("TICKET_BUCKET")
    if not bucket:
        raise ConfigurationError("TICKET_BUCKET is not set")
    client = boto3.client("s3", config=Config(retries={"mode": "standard"}))
    return S3TicketStore(client, bucket)


def _record_source() -> RecordSource:
    value = os.environ.get("RECORD_SOURCE") or RecordSource.REALTIME
    try:
        return RecordSource(value)
    except ValueError:
        known = ", ".join(s.value for s in RecordSource)
        raise ConfigurationError(f"unknown RECORD_SOURCE {value!r} (known: {known})") from None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Write the processed ticket of this execution to S3 (skipped when already identical)."""
    configure_logging()
    store = _store()
    outcome = write_ticket(
        event,
        store,
        prefix=os.environ.get("TICKET_PREFIX") or DEFAULT_PREFIX,
        record_source=_record_source(),
    )
    line = {
        "message": "ticket_stored" if outcome.written else "ticket_unchanged",
        "ticket_id": outcome.ticket_id,
        "bucket": store.bucket,
        "key": outcome.key,
        "written": outcome.written,
    }
    logger.info(orjson.dumps(line).decode())
    return {"bucket": store.bucket, "key": outcome.key, "written": outcome.written}
