"""Events on the ticket stream after submission: workflow milestones and help-desk events.

Every event on the Kinesis stream is camelCase JSON with ``eventName`` and ``ticketId``. Besides
``TicketSubmitted`` (``tickets.TicketSubmittedEvent``) there are:

* workflow milestones the Step Functions workflow puts on the stream as it goes
  (``SentimentScored``, ``ResponseGenerated``, ``TicketStored``, ``TicketEscalated``,
  ``TicketProcessingFailed``), and
* the help desk's own events: an agent takes the ticket (``TicketAssigned``) or hands it to another
  team (``TicketReassigned``), replies to the requester (``AgentReplied``) or writes an internal
  note (``InternalNoteAdded``), the requester replies (``RequesterReplied``), the ticket waits on
  the requester or a third party (``TicketStatusChanged`` to ``pending`` or ``on_hold``, and back
  to ``open``), is solved (``TicketResolved``) and reopened (``TicketReopened``), and the customer
  rates the support (``SatisfactionRated``).

The AI draft (``ResponseGenerated``) is the first response a customer gets; ``AgentReplied`` is a
person's public reply, so the first *human* reply is measured apart from the draft.

All of them share ``LifecycleEvent``; ``data`` is checked against the model of its event name.
``eventId`` is stable across redeliveries, so a consumer can drop duplicates by it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, Field, StringConstraints, model_validator

from ticket_platform.contracts.tickets import (
    ContractModel,
    Priority,
    Score,
    Sentiment,
    ShortText,
    TicketId,
    TicketSubmittedEvent,
    UtcDatetime,
)


class EventName(StrEnum):
    TICKET_SUBMITTED = "TicketSubmitted"
    SENTIMENT_SCORED = "SentimentScored"
    RESPONSE_GENERATED = "ResponseGenerated"
    TICKET_STORED = "TicketStored"
    TICKET_ESCALATED = "TicketEscalated"
    TICKET_PROCESSING_FAILED = "TicketProcessingFailed"
    TICKET_ASSIGNED = "TicketAssigned"
    TICKET_REASSIGNED = "TicketReassigned"
    AGENT_REPLIED = "AgentReplied"
    INTERNAL_NOTE_ADDED = "InternalNoteAdded"
    REQUESTER_REPLIED = "RequesterReplied"
    TICKET_STATUS_CHANGED = "TicketStatusChanged"
    TICKET_RESOLVED = "TicketResolved"
    TICKET_REOPENED = "TicketReopened"
    SATISFACTION_RATED = "SatisfactionRated"


class Milestone(StrEnum):
    """A step in a ticket's life, as recorded in the lifecycle history."""

    SUBMITTED = "SUBMITTED"
    SENTIMENT_SCORED = "SENTIMENT_SCORED"
    RESPONSE_GENERATED = "RESPONSE_GENERATED"
    STORED = "STORED"
    ESCALATED = "ESCALATED"
    PROCESSING_FAILED = "PROCESSING_FAILED"
    ASSIGNED = "ASSIGNED"
    REASSIGNED = "REASSIGNED"
    AGENT_REPLIED = "AGENT_REPLIED"
    INTERNAL_NOTE = "INTERNAL_NOTE"
    REQUESTER_REPLIED = "REQUESTER_REPLIED"
    STATUS_CHANGED = "STATUS_CHANGED"
    RESOLVED = "RESOLVED"
    REOPENED = "REOPENED"
    SATISFACTION_RATED = "SATISFACTION_RATED"


MILESTONE_OF_EVENT: dict[str, Milestone] = {
    EventName.TICKET_SUBMITTED: Milestone.SUBMITTED,
    EventName.SENTIMENT_SCORED: Milestone.SENTIMENT_SCORED,
    EventName.RESPONSE_GENERATED: Milestone.RESPONSE_GENERATED,
    EventName.TICKET_STORED: Milestone.STORED,
    EventName.TICKET_ESCALATED: Milestone.ESCALATED,
    EventName.TICKET_PROCESSING_FAILED: Milestone.PROCESSING_FAILED,
    EventName.TICKET_ASSIGNED: Milestone.ASSIGNED,
    EventName.TICKET_REASSIGNED: Milestone.REASSIGNED,
    EventName.AGENT_REPLIED: Milestone.AGENT_REPLIED,
    EventName.INTERNAL_NOTE_ADDED: Milestone.INTERNAL_NOTE,
    EventName.REQUESTER_REPLIED: Milestone.REQUESTER_REPLIED,
    EventName.TICKET_STATUS_CHANGED: Milestone.STATUS_CHANGED,
    EventName.TICKET_RESOLVED: Milestone.RESOLVED,
    EventName.TICKET_REOPENED: Milestone.REOPENED,
    EventName.SATISFACTION_RATED: Milestone.SATISFACTION_RATED,
}


class EventSource(StrEnum):
    WORKFLOW = "workflow"  # the Step Functions workflow (or the offline simulator running it)
    HELPDESK = "helpdesk"  # the help desk application: agents and customers


EventId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]


# -- data of each event ---------------------------------------------------------------------
class SentimentScoredData(ContractModel):
    sentiment: Sentiment
    score_positive: Score
    score_negative: Score
    score_neutral: Score
    score_mixed: Score


class ResponseGeneratedData(ContractModel):
    priority: Priority
    model_id: Name
    prompt_version: Name


class TicketStoredData(ContractModel):
    s3_key: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class TicketEscalatedData(ContractModel):
    priority: Priority
    channel: Name = "sns"


class TicketProcessingFailedData(ContractModel):
    error: Name
    cause: Annotated[str, StringConstraints(max_length=4000)] = ""


class TicketAssignedData(ContractModel):
    agent: Name
    team: Name


class TicketReassignedData(ContractModel):
    """The ticket moved to another team (and one of its agents)."""

    agent: Name
    team: Name
    from_team: Name
    reason: ShortText = ""


class AgentRepliedData(ContractModel):
    """A public reply by a person, which the requester sees (not the AI draft)."""

    agent: Name
    team: Name


class InternalNoteAddedData(ContractModel):
    """A private note between agents; the requester does not see it."""

    agent: Name
    team: Name


class RequesterRepliedData(ContractModel):
    """The requester wrote back (by email or in the help center)."""

    channel: Literal["email", "web"] = "email"


class HelpdeskStatus(StrEnum):
    """Who the ticket waits on between assignment and solve (Zendesk's open / pending / hold)."""

    OPEN = "open"  # on the support team
    PENDING = "pending"  # on the requester, after a question to them
    ON_HOLD = "on_hold"  # on a third party (an internal team, an AWS service team)


class TicketStatusChangedData(ContractModel):
    status: HelpdeskStatus
    agent: Name | None = (
        None  # None: a help-desk rule (a requester reply re-opens a pending ticket)
    )
    reason: ShortText = ""


class TicketResolvedData(ContractModel):
    agent: Name
    resolution: ShortText = ""


class TicketReopenedData(ContractModel):
    reason: ShortText = ""


class SatisfactionRatedData(ContractModel):
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: ShortText = ""


DATA_MODELS: dict[str, type[BaseModel]] = {
    EventName.SENTIMENT_SCORED: SentimentScoredData,
    EventName.RESPONSE_GENERATED: ResponseGeneratedData,
    EventName.TICKET_STORED: TicketStoredData,
    EventName.TICKET_ESCALATED: TicketEscalatedData,
    EventName.TICKET_PROCESSING_FAILED: TicketProcessingFailedData,
    EventName.TICKET_ASSIGNED: TicketAssignedData,
    EventName.TICKET_REASSIGNED: TicketReassignedData,
    EventName.AGENT_REPLIED: AgentRepliedData,
    EventName.INTERNAL_NOTE_ADDED: InternalNoteAddedData,
    EventName.REQUESTER_REPLIED: RequesterRepliedData,
    EventName.TICKET_STATUS_CHANGED: TicketStatusChangedData,
    EventName.TICKET_RESOLVED: TicketResolvedData,
    EventName.TICKET_REOPENED: TicketReopenedData,
    EventName.SATISFACTION_RATED: SatisfactionRatedData,
}
WORKFLOW_EVENTS = frozenset(
    {
        EventName.SENTIMENT_SCORED,
        EventName.RESPONSE_GENERATED,
        EventName.TICKET_STORED,
        EventName.TICKET_ESCALATED,
        EventName.TICKET_PROCESSING_FAILED,
    }
)


class LifecycleEvent(ContractModel):
    """A milestone or help-desk event about a ticket that has already been submitted."""

    eventName: EventName
    eventId: EventId
    ticketId: TicketId
    occurredAt: UtcDatetime
    source: EventSource
    data: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _data_matches_event(self) -> LifecycleEvent:
        if self.eventName == EventName.TICKET_SUBMITTED:
            raise ValueError("TicketSubmitted is a TicketSubmittedEvent, not a lifecycle event")
        expected = (
            EventSource.WORKFLOW if self.eventName in WORKFLOW_EVENTS else EventSource.HELPDESK
        )
        if self.source != expected:
            raise ValueError(f"{self.eventName} comes from the {expected}, not the {self.source}")
        data = DATA_MODELS[self.eventName].model_validate(self.data)
        object.__setattr__(self, "data", data.model_dump(mode="json"))
        return self

    @property
    def milestone(self) -> Milestone:
        return MILESTONE_OF_EVENT[self.eventName]


class UnknownEventError(ValueError):
    """Valid JSON with an event name this platform does not handle (skipped, counted)."""


StreamEvent = TicketSubmittedEvent | LifecycleEvent


def parse_stream_event(raw: bytes | str | dict[str, Any]) -> StreamEvent:
    """One record of the ticket stream as its contract model.

    Raises ``UnknownEventError`` for an event name outside ``EventName`` and pydantic's
    ``ValidationError`` (or ``ValueError`` for bad JSON) for anything malformed.
    """
    payload = raw if isinstance(raw, dict) else orjson.loads(raw)
    if not isinstance(payload, dict):
        raise ValueError(f"a stream record must be a JSON object, got {type(payload).__name__}")
    name = payload.get("eventName")
    if name == EventName.TICKET_SUBMITTED:
        return TicketSubmittedEvent.model_validate(payload)
    if name not in EventName.__members__.values():
        raise UnknownEventError(f"unknown eventName {name!r}")
    return LifecycleEvent.model_validate(payload)


def submitted_event_id(ticket_id: str) -> str:
    """The stable event id of a ticket's submission (its event carries none of its own)."""
    return f"{ticket_id}:{Milestone.SUBMITTED}"


def milestone_of(event: StreamEvent) -> Milestone:
    return Milestone.SUBMITTED if isinstance(event, TicketSubmittedEvent) else event.milestone


def event_id_of(event: StreamEvent) -> str:
    return (
        submitted_event_id(event.ticketId)
        if isinstance(event, TicketSubmittedEvent)
        else event.eventId
    )


def occurred_at_of(event: StreamEvent) -> datetime:
    return event.submittedAt if isinstance(event, TicketSubmittedEvent) else event.occurredAt


__all__ = [
    "DATA_MODELS",
    "MILESTONE_OF_EVENT",
    "WORKFLOW_EVENTS",
    "EventName",
    "EventSource",
    "HelpdeskStatus",
    "LifecycleEvent",
    "Milestone",
    "StreamEvent",
    "UnknownEventError",
    "event_id_of",
    "milestone_of",
    "occurred_at_of",
    "parse_stream_event",
    "submitted_event_id",
]


def event_data(event: StreamEvent) -> dict[str, Any]:
    """What the history keeps of an event's data. A submission keeps what routes it (product,
    issue type, subject); its text and the customer's details stay in the ticket record."""
    if isinstance(event, TicketSubmittedEvent):
        issue = event.data.product_issue_information
        return {
            "product": issue.product,
            "issue_type": issue.issue_type,
            "subject": event.data.subject,
        }
    return dict(event.data)
