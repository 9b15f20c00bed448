"""Hand-written tickets and their lifecycle events, as rows of the raw tables the dbt marts read.

A ``Ticket`` collects its events as (milestone, time, data) with minutes after submission;
``ticket_row`` and ``event_rows`` turn it into rows of ``raw.tickets`` and ``raw.ticket_events``
(the event's ``data`` is its JSON, so ``stg_ticket_events`` finds e.g. ``status``), and
``load_tickets`` writes them into a ``DbtWarehouse``. Shared by the support-mart tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from helpers.dbt_warehouse import DbtWarehouse
from ticket_platform.contracts.events import MILESTONE_OF_EVENT, WORKFLOW_EVENTS
from ticket_platform.ingest.events_sql import EVENT_STAGING_COLUMNS, EVENTS_TABLE
from ticket_platform.ingest.tickets_sql import STAGING_COLUMNS, TICKETS_TABLE

LOADED_AT = datetime(2025, 8, 19, 11, 0)
EVENT_OF_MILESTONE = {str(m): str(e) for e, m in MILESTONE_OF_EVENT.items()}


@dataclass
class Ticket:
    ticket_id: str
    priority: str
    submitted_at: datetime
    events: list[tuple[str, datetime, dict[str, Any]]] = field(default_factory=list)
    product: str = "Amazon EC2"
    sentiment: str = "NEUTRAL"

    @property
    def processed_at(self) -> datetime:
        return self.submitted_at + timedelta(seconds=4)

    def at(self, milestone: str, minutes: float, **data: Any) -> Ticket:
        self.events.append((milestone, self.submitted_at + timedelta(minutes=minutes), data))
        return self

    def answered(self) -> Ticket:
        """The workflow's milestones, seconds after submission."""
        return (
            self.at("SUBMITTED", 0)
            .at("SENTIMENT_SCORED", 0.05)
            .at("RESPONSE_GENERATED", 0.1)
            .at("STORED", 0.15)
        )

    def resolved_at(self, when: datetime) -> Ticket:
        """Answered, assigned a minute later and resolved at ``when``."""
        minutes = (when - self.submitted_at).total_seconds() / 60
        return self.answered().at("ASSIGNED", 1, team="compute").at("RESOLVED", minutes)


def ticket_row(ticket: Ticket, loaded_at: datetime = LOADED_AT) -> dict[str, Any]:
    """The ``raw.tickets`` row of ``ticket``."""
    row = dict.fromkeys(STAGING_COLUMNS)
    row.update(
        ticket_id=ticket.ticket_id,
        submitted_at=ticket.submitted_at,
        processed_at=ticket.processed_at,
        product=ticket.product,
        issue_type="Instance Connectivity",
        subject=f"Subject of {ticket.ticket_id}",
        customer_email=f"{ticket.ticket_id.lower()}@example.com",
        sentiment=ticket.sentiment,
        priority=ticket.priority,
        schema_version=2,
        record_source="synthetic",
        _source_key=f"tickets/{ticket.submitted_at:%Y/%m/%d}/ticket_{ticket.ticket_id}.json",
        _source_etag="etag",
        _partition_date=ticket.submitted_at.date(),
        _loaded_at=loaded_at,
        _run_id="pytest",
    )
    return row


def event_rows(ticket: Ticket, loaded_at: datetime = LOADED_AT) -> list[dict[str, Any]]:
    """The ``raw.ticket_events`` rows of ``ticket``'s events; ``data`` holds their JSON."""
    rows = []
    for number, (milestone, at, data) in enumerate(ticket.events, start=1):
        name = EVENT_OF_MILESTONE[milestone]
        row = dict.fromkeys(EVENT_STAGING_COLUMNS)
        row.update(
            event_id=f"{ticket.ticket_id}:{milestone}:{number}",
            ticket_id=ticket.ticket_id,
            event_name=name,
            milestone=milestone,
            source="workflow" if name in WORKFLOW_EVENTS else "helpdesk",
            occurred_at=at,
            agent=data.get("agent"),
            team=data.get("team"),
            rating=data.get("rating"),
            data=json.dumps(data),
            _content_hash=f"{number:032d}",
            _source_key=f"events/{at:%Y/%m/%d}/pytest.jsonl.gz",
            _source_etag="etag",
            _line_number=number,
            _partition_date=at.date(),
            _loaded_at=loaded_at,
            _run_id="pytest",
        )
        rows.append(row)
    return rows


def load_tickets(warehouse: DbtWarehouse, tickets: Iterable[Ticket]) -> None:
    """Create the raw tables and write the tickets and their events into them."""
    tickets = list(tickets)
    warehouse.create_sources()
    warehouse.insert(TICKETS_TABLE, STAGING_COLUMNS, [ticket_row(t) for t in tickets])
    events = [row for ticket in tickets for row in event_rows(ticket)]
    warehouse.insert(EVENTS_TABLE, EVENT_STAGING_COLUMNS, events)


# --------------------------------------------------------------------------------------------
# The Python reference of the help-desk status and conversation (independent of the SQL)
# --------------------------------------------------------------------------------------------
STATUS_OF_MILESTONE = {"ASSIGNED": "open", "REOPENED": "open", "RESOLVED": "solved"}


def stage_orders() -> dict[str, int]:
    """milestone -> stage_order of dbt_project/seeds/lifecycle_milestones.csv."""
    import csv

    from ticket_platform.transform.project import DBT_PROJECT_DIR

    path = DBT_PROJECT_DIR / "seeds" / "lifecycle_milestones.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["milestone"]: int(row["stage_order"]) for row in csv.DictReader(handle)}


def ordered_events(ticket: Ticket) -> list[tuple[str, datetime, dict[str, Any]]]:
    """The ticket's events in the help desk's order: time, then the milestone's stage order."""
    order = stage_orders()
    numbered = list(enumerate(ticket.events))
    numbered.sort(key=lambda item: (item[1][1], order[item[1][0]], item[0]))
    return [event for _, event in numbered]


@dataclass(frozen=True)
class StatusInterval:
    status: str
    started_at: datetime
    ended_at: datetime | None  # None: the current status
    measured_until: datetime


def status_intervals(ticket: Ticket, as_of: datetime) -> list[StatusInterval]:
    """Zendesk statuses: new until assigned; ASSIGNED/REOPENED open; STATUS_CHANGED its status;
    RESOLVED solved; any other event keeps the status. Runs of one status make one interval."""
    starts: list[tuple[str, datetime]] = []
    status = "new"
    for milestone, at, data in ordered_events(ticket):
        if milestone == "STATUS_CHANGED":
            status = data["status"]
        else:
            status = STATUS_OF_MILESTONE.get(milestone, status)
        if not starts or starts[-1][0] != status:
            starts.append((status, at))
    intervals = []
    for number, (status, started) in enumerate(starts):
        ended = starts[number + 1][1] if number + 1 < len(starts) else None
        until = ended if ended is not None else max(as_of, started)
        intervals.append(StatusInterval(status, started, ended, until))
    return intervals


@dataclass(frozen=True)
class ReplyWait:
    reply_number: int
    message_at: datetime
    follow_ups: int
    replied_at: datetime | None  # None: unanswered


def reply_waits(ticket: Ticket) -> list[ReplyWait]:
    """Waits for a person's reply: the submission and each requester message after an agent's
    reply open one; later requester messages join it; the next AgentReplied answers it."""
    waits: list[ReplyWait] = []
    open_wait: ReplyWait | None = None
    submitted = False
    for milestone, at, _ in ordered_events(ticket):
        if milestone == "SUBMITTED" and submitted:
            continue  # a repeated submission is not a message
        submitted = submitted or milestone == "SUBMITTED"
        if milestone in ("SUBMITTED", "REQUESTER_REPLIED"):
            if open_wait is None:
                open_wait = ReplyWait(len(waits) + 1, at, 0, None)
            else:
                open_wait = ReplyWait(
                    open_wait.reply_number, open_wait.message_at, open_wait.follow_ups + 1, None
                )
        elif milestone == "AGENT_REPLIED" and open_wait is not None:
            waits.append(
                ReplyWait(open_wait.reply_number, open_wait.message_at, open_wait.follow_ups, at)
            )
            open_wait = None
    return waits + ([open_wait] if open_wait is not None else [])


def conversation_reference(ticket: Ticket, as_of: datetime, business: Any) -> dict[str, Any]:
    """The expected ticket_conversation_metrics row of ``ticket``; ``business(start, end)``
    gives business minutes (helpers.business_time with the scenario's time zone)."""
    events = ordered_events(ticket)
    times = {m: [at for milestone, at, _ in events if milestone == m] for m, _, _ in events}
    count = {m: len(v) for m, v in times.items()}
    intervals = status_intervals(ticket, as_of)
    solved = intervals[-1].status == "solved"
    submitted = times["SUBMITTED"][0]

    def between(end: datetime | None) -> tuple[float | None, float | None]:
        if end is None:
            return None, None
        return (end - submitted).total_seconds() / 60, business(submitted, end)

    def wait(statuses: set[str]) -> tuple[float, float]:
        chosen = [i for i in intervals if i.status in statuses]
        return (
            sum((i.measured_until - i.started_at).total_seconds() / 60 for i in chosen),
            sum(business(i.started_at, i.measured_until) for i in chosen),
        )

    waits = reply_waits(ticket)
    first = waits[0] if waits and waits[0].replied_at else None
    next_replies = [w for w in waits[1:] if w.replied_at]
    replies = count.get("AGENT_REPLIED", 0)
    solves = times.get("RESOLVED", [])
    return {
        "is_solved": solved,
        "ai_draft": between(min(times.get("RESPONSE_GENERATED", []), default=None)),
        "first_agent_reply": between(first.replied_at) if first else (None, None),
        "next_replies": [
            (
                (w.replied_at - w.message_at).total_seconds() / 60,
                business(w.message_at, w.replied_at),
            )
            for w in next_replies
        ],
        "agent_reply_count": replies,
        "internal_note_count": count.get("INTERNAL_NOTE", 0),
        "requester_reply_count": count.get("REQUESTER_REPLIED", 0),
        "agent_touch_count": replies + count.get("INTERNAL_NOTE", 0),
        "reassignment_count": count.get("REASSIGNED", 0),
        "requester_wait": wait({"new", "open", "on_hold"}),
        "agent_wait": wait({"pending"}),
        "on_hold": wait({"on_hold"}),
        "first_resolution": between(min(solves, default=None)),
        "full_resolution": between(max(solves) if solved else None),
        "touches": replies if solved else None,
        "is_ai_draft_accepted_resolution": solved
        and replies == 0
        and "RESPONSE_GENERATED" in times,
    }
