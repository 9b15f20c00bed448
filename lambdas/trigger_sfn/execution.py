"""The workflow execution of one submitted ticket: its deterministic name and its input.

The name is derived from the ticket id alone, so a redelivered Kinesis record (or a replayed
shard) asks Step Functions for an execution that already exists instead of starting a second one.
"""

import hashlib
import re
from typing import Any

import orjson

from ticket_platform.contracts import TicketSubmittedEvent

NAME_PREFIX = "ticket-"
MAX_NAME_LENGTH = 80  # Step Functions' limit on execution names
HASH_LENGTH = 16  # hex characters of sha256(ticket id) in a hashed name
SENTIMENT_TEXT_MAX_BYTES = 5_000  # Comprehend DetectSentiment's limit on UTF-8 input
_NAME_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")
_NAME_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9_-]")


def execution_name(ticket_id: str) -> str:
    """The execution name of a ticket: 1-80 characters of ``[A-Za-z0-9_-]``, deterministic.

    ``ticket-<id>`` when the id is made of those characters and fits; otherwise a sanitized
    prefix of it, ``-``, and the first 16 hex digits of the id's sha256, so two ids that sanitize
    alike still get different names.
    """
    if not ticket_id:
        raise ValueError("a ticket id is required to name its execution")
    plain = NAME_PREFIX + ticket_id
    if _NAME_SAFE.match(ticket_id) and len(plain) <= MAX_NAME_LENGTH:
        return plain
    digest = hashlib.sha256(ticket_id.encode("utf-8")).hexdigest()[:HASH_LENGTH]
    room = MAX_NAME_LENGTH - len(NAME_PREFIX) - 1 - HASH_LENGTH
    readable = _NAME_UNSAFE_CHARS.sub("_", ticket_id)[:room]
    return f"{NAME_PREFIX}{readable}-{digest}"


def truncate_utf8(text: str, max_bytes: int = SENTIMENT_TEXT_MAX_BYTES) -> str:
    """``text`` cut to at most ``max_bytes`` of UTF-8 without splitting a character."""
    if len(text) * 4 <= max_bytes:  # no character takes more than 4 bytes: nothing to cut
        return text
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", errors="ignore")


def sentiment_text(event: TicketSubmittedEvent) -> str:
    """What Comprehend scores: subject, a blank line, description, within 5,000 UTF-8 bytes."""
    text = f"{event.data.subject}\n\n{event.data.description}"
    return truncate_utf8(text, SENTIMENT_TEXT_MAX_BYTES)


def build_execution_input(event: TicketSubmittedEvent) -> dict[str, Any]:
    """The workflow's input: ``{"ticket": <event as JSON, UTC ISO times>, "sentimentText"}``."""
    return {
        "ticket": event.model_dump(mode="json"),
        "sentimentText": sentiment_text(event),
    }


def execution_input_json(event: TicketSubmittedEvent) -> str:
    """The input as the JSON string ``StartExecution`` takes; byte-identical for the same event,
    which keeps ``StartExecution`` idempotent for a running execution."""
    return orjson.dumps(build_execution_input(event), option=orjson.OPT_SORT_KEYS).decode()
