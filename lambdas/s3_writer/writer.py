"""The s3_writer's core: build the processed ticket, write it at its lake key if it changed."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lambdas.s3_writer.record import build_processed_ticket, serialize_ticket
from lambdas.s3_writer.store import TicketStore
from ticket_platform.contracts import RecordSource

DEFAULT_PREFIX = "tickets"


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    ticket_id: str
    key: str
    written: bool  # False: the identical object was already stored (a retried write)


def write_ticket(
    payload: Mapping[str, Any],
    store: TicketStore,
    *,
    prefix: str = DEFAULT_PREFIX,
    record_source: RecordSource | str = RecordSource.REALTIME,
) -> WriteOutcome:
    """Write the ``ProcessedTicket`` of ``{"ticket", "sentiment", "response", "processedAt"}``
    to ``<prefix>/YYYY/MM/DD/ticket_<id>.json`` (day of submission, UTC)."""
    ticket = build_processed_ticket(payload, record_source)
    key = ticket.lake_key(prefix.strip("/") or DEFAULT_PREFIX)
    written = store.put_if_changed(key, serialize_ticket(ticket))
    return WriteOutcome(ticket_id=ticket.ticket_id, key=key, written=written)
