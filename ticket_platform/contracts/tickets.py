"""Tickets: the event a help desk submits and the flat processed ticket stored in the lake.

Two shapes travel through the platform:

* ``TicketSubmittedEvent`` — the event a help desk puts on the Kinesis stream.
* ``ProcessedTicket`` — the flat record the real-time path's S3 writer stores at
  ``tickets/YYYY/MM/DD/ticket_<id>.json`` and the batch platform loads into the warehouse.

Timestamps are accepted as ISO-8601 with any offset or as the naive, space-separated form a
Redshift UNLOAD writes (``2025-08-08 20:54:18.524355``); naive values are taken as UTC, and every
timestamp is normalized to UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

# Version 1 is the seed system's 19-field record. Version 2 adds company and the provenance
# fields (record_source, target_sentiment). Records without a version are version 1.
SCHEMA_VERSION = 2


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except (
        OverflowError
    ) as error:  # 9999-12-31T23:00-05:00 is valid ISO-8601 but past year 9999 in UTC
        # A ValueError becomes a validation error naming the field, like any other bad value.
        raise ValueError(f"{value.isoformat()} is outside the years 1-9999 in UTC") from error


UtcDatetime = Annotated[datetime, AfterValidator(_to_utc)]
TicketId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$"
    ),
]
ShortText = Annotated[str, StringConstraints(max_length=512)]
# 16,000 characters stay under 64 KB of UTF-8, the widest Redshift VARCHAR.
LongText = Annotated[str, StringConstraints(max_length=16_000)]
Score = Annotated[float, Field(ge=0.0, le=1.0)]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
]


class Sentiment(StrEnum):
    POSITIVE = "POSITIVE"
    NEGATIVE = "NEGATIVE"
    NEUTRAL = "NEUTRAL"
    MIXED = "MIXED"


class Priority(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    NORMAL = "NORMAL"


class RecordSource(StrEnum):
    """Who produced the processed fields (sentiment, response, priority) of a record."""

    REALTIME = "realtime"  # the AWS pipeline: Comprehend + Bedrock
    SEED_SYSTEM = "seed_system"  # the system this platform grows from (no provenance field)
    SYNTHETIC = "synthetic"  # `ticket-platform generate`: templated, not model output
    # `ticket-platform simulate`: the real-time handlers and workflow with offline backends
    # (lexicon sentiment, template responder) standing in for Comprehend and Bedrock.
    SIMULATED = "simulated"


class ContractModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, use_enum_values=True)


# --------------------------------------------------------------------------------------------
# The Kinesis event
# --------------------------------------------------------------------------------------------
class CustomerContactInformation(ContractModel):
    first_name: ShortText
    last_name: ShortText
    full_name: ShortText
    email: Email
    company: ShortText | None = None


class ProductIssueInformation(ContractModel):
    product: ShortText
    issue_type: ShortText


class TicketData(ContractModel):
    subject: ShortText
    description: LongText
    customer_contact_information: CustomerContactInformation
    product_issue_information: ProductIssueInformation


class TicketSubmittedEvent(ContractModel):
    """A ticket event as it arrives on the Kinesis stream (camelCase, nested)."""

    eventName: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    ticketId: TicketId
    submittedAt: UtcDatetime
    data: TicketData
    # Set only by a generator that wrote the text to express a sentiment (the simulator); a real
    # help desk never sends it. The S3 writer keeps it as ``target_sentiment``.
    targetSentiment: Sentiment | None = None


# --------------------------------------------------------------------------------------------
# The flat processed ticket
# --------------------------------------------------------------------------------------------
class ProcessedTicket(ContractModel):
    """One processed ticket, flat, as stored in the lake and loaded into ``raw.tickets``."""

    ticket_id: TicketId
    submitted_at: UtcDatetime
    customer_first_name: ShortText
    customer_last_name: ShortText
    customer_full_name: ShortText
    customer_email: Email
    company: ShortText | None = None
    product: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    issue_type: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    subject: ShortText
    description: LongText
    response_text: LongText
    sentiment: Sentiment
    sentiment_score_mixed: Score
    sentiment_score_negative: Score
    sentiment_score_neutral: Score
    sentiment_score_positive: Score
    priority: Priority
    priority_reasoning: LongText
    processed_at: UtcDatetime
    schema_version: Annotated[int, Field(ge=1, le=SCHEMA_VERSION)] = 1
    record_source: RecordSource = RecordSource.SEED_SYSTEM
    # The sentiment the generator aimed for; only synthetic records know the truth.
    target_sentiment: Sentiment | None = None

    @model_validator(mode="after")
    def _processed_after_submitted(self) -> ProcessedTicket:
        if self.processed_at < self.submitted_at:
            raise ValueError(
                f"processed_at {self.processed_at.isoformat()} is before submitted_at "
                f"{self.submitted_at.isoformat()}"
            )
        return self

    def lake_key(self, prefix: str = "tickets") -> str:
        """The S3 layout key of this ticket: ``tickets/YYYY/MM/DD/ticket_<id>.json``."""
        return lake_key(self.ticket_id, self.submitted_at, prefix)


def lake_key(ticket_id: str, submitted_at: datetime, prefix: str = "tickets") -> str:
    day = _to_utc(submitted_at)
    return f"{prefix}/{day:%Y/%m/%d}/ticket_{ticket_id}.json"


# Column order of the staging table; the loader and the dbt source both follow it.
TICKET_COLUMNS: tuple[str, ...] = tuple(ProcessedTicket.model_fields)


def ticket_row(ticket: ProcessedTicket) -> dict[str, Any]:
    """A ticket as a flat dict of warehouse-ready values (enums as strings, naive UTC times)."""
    row = dict(ticket.__dict__)
    row["submitted_at"] = ticket.submitted_at.replace(tzinfo=None)
    row["processed_at"] = ticket.processed_at.replace(tzinfo=None)
    return row


def now_utc() -> datetime:
    return datetime.now(UTC)
