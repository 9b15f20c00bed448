"""The lifecycle rules, pure: history items, and how an event moves a ticket's current state.

``next_state`` is the one definition of the state rules; the DynamoDB store expresses the same
rules as an update with a condition (``store.py``), and any other store (the offline simulator's)
can call ``next_state`` directly.

Ordering: an event applies to the state when it is newer than the last applied one — its
``occurredAt`` is later, or equal with a different event id. An older event is kept in the history
but leaves the state alone; re-applying the very same event is a no-op.

Help-desk events: ``TicketAssigned`` and ``TicketReassigned`` set ``assigned_team``;
``TicketStatusChanged`` sets ``status`` to its own (``open``, ``pending``, ``on_hold``); the first
``AgentReplied`` applied sets ``first_agent_reply_at``, which later replies leave alone
(``SET_IF_ABSENT``; a reply delivered after a newer event does not apply at all, so a late
redelivery of the first reply cannot fix it: the warehouse, which sees every event, is the
reference for reply times). Replies, notes and the requester's replies keep the status.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from ticket_platform.contracts import (
    Milestone,
    StreamEvent,
    TicketSubmittedEvent,
    event_data,
    event_id_of,
    milestone_of,
    now_utc,
    occurred_at_of,
)

STATE_SK = "STATE"
EVENT_SK_PREFIX = "EVENT#"

STATUS_OF_MILESTONE: dict[Milestone, str] = {
    Milestone.SUBMITTED: "processing",
    Milestone.SENTIMENT_SCORED: "processing",
    Milestone.RESPONSE_GENERATED: "processing",
    # "new" as in Zendesk: answered by the AI draft, no agent yet ("open" is an agent's ticket)
    Milestone.STORED: "new",
    Milestone.ESCALATED: "escalated",
    Milestone.ASSIGNED: "assigned",
    Milestone.RESOLVED: "resolved",
    Milestone.REOPENED: "reopened",
    Milestone.PROCESSING_FAILED: "failed",
    # STATUS_CHANGED sets the status its event names (state_changes). REASSIGNED,
    # AGENT_REPLIED, INTERNAL_NOTE, REQUESTER_REPLIED and SATISFACTION_RATED keep the status.
}
# Attributes an event sets only while the state has none (DynamoDB: if_not_exists).
SET_IF_ABSENT = frozenset({"first_agent_reply_at"})


def iso_utc(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ``: fixed width, so strings sort as the times do."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_sort_key(event: StreamEvent) -> str:
    """``EVENT#<occurredAt>#<eventId>``: the history sorts by time, a redelivery collides."""
    return f"{EVENT_SK_PREFIX}{iso_utc(occurred_at_of(event))}#{event_id_of(event)}"


def history_item(event: StreamEvent, recorded_at: datetime) -> dict[str, Any]:
    """The ``EVENT#`` item of an event (DynamoDB attributes, key included)."""
    return {
        "ticket_id": event.ticketId,
        "sk": event_sort_key(event),
        "event_name": str(event.eventName),
        "milestone": str(milestone_of(event)),
        "event_id": event_id_of(event),
        "occurred_at": iso_utc(occurred_at_of(event)),
        "source": "helpdesk" if isinstance(event, TicketSubmittedEvent) else str(event.source),
        "data": orjson.dumps(event_data(event), option=orjson.OPT_SORT_KEYS).decode(),
        "recorded_at": iso_utc(recorded_at),
    }


def state_changes(event: StreamEvent, updated_at: datetime) -> dict[str, Any]:
    """The ``STATE`` attributes an event sets when it applies (the others are kept)."""
    milestone = milestone_of(event)
    changes: dict[str, Any] = {
        "last_milestone": str(milestone),
        "last_event_at": iso_utc(occurred_at_of(event)),
        "last_event_id": event_id_of(event),
        "updated_at": iso_utc(updated_at),
    }
    if milestone in STATUS_OF_MILESTONE:
        changes["status"] = STATUS_OF_MILESTONE[milestone]
    data = {} if isinstance(event, TicketSubmittedEvent) else event.data
    if milestone in (Milestone.RESPONSE_GENERATED, Milestone.ESCALATED):
        changes["priority"] = data["priority"]
    elif milestone in (Milestone.ASSIGNED, Milestone.REASSIGNED):
        changes["assigned_team"] = data["team"]
    elif milestone == Milestone.STATUS_CHANGED:
        changes["status"] = data["status"]
    elif milestone == Milestone.AGENT_REPLIED:
        changes["first_agent_reply_at"] = iso_utc(occurred_at_of(event))
    elif milestone == Milestone.SATISFACTION_RATED:
        changes["satisfaction_rating"] = data["rating"]
    return changes


def applies_to(current: Mapping[str, Any] | None, event: StreamEvent) -> bool:
    """Whether ``event`` is newer than the last event applied to ``current``."""
    last_at = (current or {}).get("last_event_at")
    if last_at is None:
        return True
    occurred_at = iso_utc(occurred_at_of(event))
    if last_at != occurred_at:
        return last_at < occurred_at
    return (current or {}).get("last_event_id") != event_id_of(event)


def next_state(
    current: Mapping[str, Any] | None,
    event: StreamEvent,
    updated_at: datetime | None = None,
) -> dict[str, Any] | None:
    """The ticket's state after ``event``, or None when the event does not apply (older, or the
    very event already applied): then the current state stands."""
    if not applies_to(current, event):
        return None
    current = current or {}
    changes = state_changes(event, updated_at or now_utc())
    return {
        **current,
        **{k: v for k, v in changes.items() if k not in SET_IF_ABSENT or k not in current},
    }
