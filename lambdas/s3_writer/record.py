"""The flat ``ProcessedTicket`` built from the workflow state, and its stored bytes."""

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError

from ticket_platform.contracts import (
    SCHEMA_VERSION,
    InvalidTicketError,
    ProcessedTicket,
    RecordSource,
    SentimentResult,
    TicketSubmittedEvent,
)
from ticket_platform.contracts.tickets import UtcDatetime

logger = logging.getLogger(__name__)
_UTC_DATETIME: TypeAdapter[datetime] = TypeAdapter(UtcDatetime)


def build_processed_ticket(
    payload: Mapping[str, Any], record_source: RecordSource | str = RecordSource.REALTIME
) -> ProcessedTicket:
    """The processed ticket of ``{"ticket", "sentiment", "response", "processedAt"}``.

    Raises ``InvalidTicketError`` when a part is missing or breaks the contract. A ``processedAt``
    earlier than ``submittedAt`` (the help desk's clock ahead of AWS's) is raised to
    ``submittedAt`` and logged, rather than failing the ticket for ever.
    """
    if not isinstance(payload, Mapping):
        raise InvalidTicketError(f"task input must be an object, got {type(payload).__name__}")
    response = payload.get("response")
    if not isinstance(response, Mapping):
        raise InvalidTicketError("invalid task input: response: must be an object")
    try:
        ticket = TicketSubmittedEvent.model_validate(payload.get("ticket"))
        sentiment = SentimentResult.model_validate(payload.get("sentiment"))
        processed_at = _UTC_DATETIME.validate_python(payload.get("processedAt"))
        if processed_at < ticket.submittedAt:
            logger.warning(
                orjson.dumps(
                    {
                        "message": "clock_skew",
                        "ticket_id": ticket.ticketId,
                        "submitted_at": ticket.submittedAt,
                        "processed_at": processed_at,
                    }
                ).decode()
            )
            processed_at = ticket.submittedAt
        contact = ticket.data.customer_contact_information
        issue = ticket.data.product_issue_information
        scores = sentiment.SentimentScore
        return ProcessedTicket(
            ticket_id=ticket.ticketId,
            submitted_at=ticket.submittedAt,
            customer_first_name=contact.first_name,
            customer_last_name=contact.last_name,
            customer_full_name=contact.full_name,
            customer_email=contact.email,
            company=contact.company,
            product=issue.product,
            issue_type=issue.issue_type,
            subject=ticket.data.subject,
            description=ticket.data.description,
            response_text=response.get("response_text"),
            sentiment=sentiment.Sentiment,
            sentiment_score_mixed=scores.Mixed,
            sentiment_score_negative=scores.Negative,
            sentiment_score_neutral=scores.Neutral,
            sentiment_score_positive=scores.Positive,
            priority=response.get("priority"),
            priority_reasoning=response.get("priority_reasoning"),
            processed_at=processed_at,
            schema_version=SCHEMA_VERSION,
            record_source=RecordSource(record_source),
            target_sentiment=ticket.targetSentiment,
        )
    except ValidationError as error:
        raise InvalidTicketError(_describe(error)) from error


def serialize_ticket(ticket: ProcessedTicket) -> bytes:
    """The stored bytes: JSON with sorted keys and ISO-8601 UTC timestamps, deterministic."""
    return orjson.dumps(ticket.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)


def _describe(error: ValidationError, limit: int = 3) -> str:
    parts = [
        f"{error.title}: {'.'.join(str(p) for p in item['loc']) or 'input'}: {item['msg']}"
        for item in error.errors(include_url=False)[:limit]
    ]
    return "invalid task input: " + "; ".join(parts)
