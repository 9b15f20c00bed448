"""One ticket's conversation in the help desk, as a script of contract events.

``conversation`` plays the script described in ``helpdesk.py`` for one ticket with its own seeded
random stream and returns every event of the ticket's life, including those after the
simulation's ``now`` (the caller cuts them off; the team-load bookkeeping needs the whole life).

Same-instant events come in the order the lifecycle seed ranks them (``stage_order``), so the
history reads the same whichever way it is sorted: an agent's reply before the status it sets
(pending, on_hold) or the solve it carries; a requester's reply before the ``open`` it triggers on
a pending ticket, or the reopen it causes on a solved one.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ticket_platform.contracts import EventName, EventSource, HelpdeskStatus
from ticket_platform.routing.teams import known_teams, team_of
from ticket_platform_demo.simulator import helpdesk_phrases as phrases

if TYPE_CHECKING:
    from ticket_platform_demo.simulator.helpdesk import HelpdeskModel

MINUTE = timedelta(minutes=1)


@dataclass
class TicketLife:
    """A ticket's events and what the rating (and the team-load bookkeeping) needs of them."""

    events: list[dict[str, Any]] = field(default_factory=list)
    segments: list[tuple[str, datetime, datetime | None]] = field(default_factory=list)
    touches: int = 0  # public agent replies up to the last solve
    first_reply_at: datetime | None = None
    solved_at: datetime | None = None
    reopened: bool = False
    held: bool = False


class _Desk:
    """The events of one ticket, written as the script goes; knows the ticket's status."""

    def __init__(self, ticket: dict[str, Any], rng: random.Random, model: HelpdeskModel):
        self.ticket_id = ticket["ticket_id"]
        self.on_call = ticket["priority"] in model.on_call_priorities
        self.product = ticket["product"]
        self.rng = rng
        self.model = model
        self.team = team_of(self.product)
        self.agent = model.agent(self.team, rng.randrange(model.agents_per_team))
        self.status = "new"
        self.team_since = ticket["submitted_at"]  # the team's load counts it from here
        self.handled_since = ticket["submitted_at"]  # the last (re)assignment
        self.life = TicketLife()
        self._numbers: Counter[str] = Counter()

    def delay(self, median: timedelta) -> timedelta:
        return median * math.exp(self.rng.gauss(0.0, self.model.spread))

    # -- when agents work --------------------------------------------------------------------
    def at_work(self, at: datetime) -> datetime:
        """When an agent does what they would do at ``at``: then on an on-call ticket or in
        staffed hours, else at the next opening plus a place in the morning queue."""
        hours = self.model.staffed_hours
        opens = hours.next_staffed(at)
        if self.on_call or opens == at:
            return at
        queue = min(self.delay(self.model.opening_queue_median), hours.shift - MINUTE)
        return opens + queue

    def after(self, at: datetime, median: timedelta) -> datetime:
        """An agent action a log-normal delay of ``median`` after ``at``, in working time (the
        on-call rotation is slower outside staffed hours)."""
        done = at + self.delay(median)
        if self.on_call and not self.model.staffed_hours.is_staffed(done):
            done = at + (done - at) * self.model.on_call_night_slowdown
        return self.at_work(done)

    def near(self, at: datetime, fallback: datetime) -> datetime:
        """``at`` for an action beside another one at ``fallback`` (a working instant), or
        ``fallback`` itself when ``at`` falls outside working hours."""
        working = self.on_call or self.model.staffed_hours.is_staffed(at)
        return at if working else fallback

    def emit(self, name: EventName, at: datetime, data: dict[str, Any]) -> None:
        self._numbers[name] += 1
        self.life.events.append(
            {
                "eventName": str(name),
                "eventId": f"{self.ticket_id}:{name}:{self._numbers[name]}",
                "ticketId": self.ticket_id,
                "occurredAt": at,
                "source": str(EventSource.HELPDESK),
                "data": data,
            }
        )

    # -- the steps ---------------------------------------------------------------------------
    def assign(self, at: datetime) -> None:
        self.emit(EventName.TICKET_ASSIGNED, at, {"agent": self.agent, "team": self.team})
        self.handled_since = at
        if self.status == "new":
            self.status = "open"

    def reassign(self, at: datetime, to_team: str) -> None:
        self.life.segments.append((self.team, self.team_since, at))
        from_team, self.team, self.team_since, self.handled_since = self.team, to_team, at, at
        self.agent = self.model.agent(to_team, self.rng.randrange(self.model.agents_per_team))
        reason = self.rng.choice(phrases.REASSIGN_REASONS).format(team=to_team)
        self.emit(
            EventName.TICKET_REASSIGNED,
            at,
            {"agent": self.agent, "team": to_team, "from_team": from_team, "reason": reason},
        )

    def note(self, at: datetime) -> None:
        """A private note, never before the current team took the ticket."""
        at = max(at, self.handled_since)
        self.emit(EventName.INTERNAL_NOTE_ADDED, at, {"agent": self.agent, "team": self.team})

    def reply(self, at: datetime) -> None:
        self.emit(EventName.AGENT_REPLIED, at, {"agent": self.agent, "team": self.team})
        self.life.touches += 1
        self.life.first_reply_at = self.life.first_reply_at or at

    def set_status(self, at: datetime, status: HelpdeskStatus, agent: str | None, why: str) -> None:
        self.emit(
            EventName.TICKET_STATUS_CHANGED,
            at,
            {"status": str(status), "agent": agent, "reason": why},
        )
        self.status = str(status)

    def requester_reply(self, at: datetime) -> None:
        channel = "email" if self.rng.random() < self.model.email_share else "web"
        self.emit(EventName.REQUESTER_REPLIED, at, {"channel": channel})
        if self.status == HelpdeskStatus.PENDING:  # Zendesk's trigger: a reply re-opens it
            self.set_status(at, HelpdeskStatus.OPEN, None, "the requester replied")

    def solve(self, at: datetime, resolution: str) -> None:
        self.emit(EventName.TICKET_RESOLVED, at, {"agent": self.agent, "resolution": resolution})
        self.status = "solved"
        self.life.solved_at = at

    def reopen(self, at: datetime, reason: str) -> None:
        self.requester_reply(at)  # the requester's reply on a solved ticket reopens it
        self.emit(EventName.TICKET_REOPENED, at, {"reason": reason})
        self.status = "open"
        self.life.reopened = True

    def rate(self, at: datetime, rating: int) -> None:
        self.emit(
            EventName.SATISFACTION_RATED,
            at,
            {"rating": rating, "comment": phrases.COMMENTS[rating]},
        )


def conversation(
    ticket: dict[str, Any], *, rng: random.Random, model: HelpdeskModel, team_load: int
) -> TicketLife:
    """Every help-desk event of one processed ticket (see ``helpdesk.py`` for the script)."""
    desk = _Desk(ticket, rng, model)
    priority, sentiment = ticket["priority"], ticket.get("sentiment", "")
    factor = model.load_factor(team_load)
    start = ticket["processed_at"] + MINUTE  # after the AI draft (ResponseGenerated)
    assigned_at = desk.after(start, model.median("assign_minutes", priority) * factor)

    if rng.random() < model.ai_accept_rate(priority, sentiment):
        _accepted_draft(desk, start, assigned_at, factor)
    else:
        _worked(desk, assigned_at, priority, sentiment, factor, team_load)
    if desk.life.solved_at is not None:
        _maybe_reopen(desk, priority, factor)
        if rng.random() < model.rating_rate:
            rated_at = desk.life.solved_at + timedelta(minutes=rng.uniform(10, 2880))
            desk.rate(rated_at, _rating(rng, ticket, desk.life, model))
    desk.life.segments.append((desk.team, desk.team_since, desk.life.solved_at))
    desk.life.events.sort(key=lambda event: event["occurredAt"])  # stable: same-instant order
    return desk.life


def _accepted_draft(desk: _Desk, start: datetime, assigned_at: datetime, factor: float) -> None:
    """Zero touch: the requester thanks for the AI draft, an agent solves without replying."""
    thanked_at = start + desk.delay(desk.model.thanks_median)
    desk.assign(assigned_at)
    desk.requester_reply(thanked_at)
    solved_at = desk.after(max(assigned_at, thanked_at), desk.model.solve_after_thanks * factor)
    desk.solve(solved_at, phrases.AI_RESOLUTION)


def _worked(
    desk: _Desk,
    assigned_at: datetime,
    priority: str,
    sentiment: str,
    factor: float,
    team_load: int,
) -> None:
    model, rng = desk.model, desk.rng
    desk.assign(assigned_at)
    at = assigned_at
    if rng.random() < model.reassign_rate(desk.product, team_load):
        moved_at = desk.after(at, model.reassign_median * factor)
        if rng.random() < model.note_rate:
            desk.note(desk.near(at + (moved_at - at) * rng.uniform(0.3, 0.9), moved_at))
        desk.reassign(moved_at, _other_team(desk, model))
        at = moved_at
    first_reply_at = desk.after(at, model.median("first_reply_minutes", priority) * factor)
    if rng.random() < model.note_rate:
        note_at = max(at, first_reply_at - rng.uniform(2, 30) * MINUTE)
        desk.note(desk.near(note_at, first_reply_at))
    if rng.random() < model.never_resolved_rate:
        desk.reply(first_reply_at)  # answered once, then forgotten: open for ever
        return
    touches = model.draw_touches(rng, sentiment)
    _replies(desk, first_reply_at, touches, priority, factor, model.resolution(rng))


def _replies(
    desk: _Desk, at: datetime, touches: int, priority: str, factor: float, resolution: str
) -> None:
    """``touches`` public replies from ``at`` on, the last one solving the ticket."""
    model, rng = desk.model, desk.rng
    next_reply = model.median("next_reply_hours", priority) * factor
    for _ in range(touches - 1):
        kind = rng.random()
        if kind < model.question_share:  # a question: pending until the requester answers
            desk.reply(at)
            desk.set_status(at, HelpdeskStatus.PENDING, desk.agent, phrases.ASK_REASON)
            if rng.random() < model.abandon_rate:
                desk.solve(desk.at_work(at + model.auto_solve_after), phrases.NO_REPLY_RESOLUTION)
                return
            at += desk.delay(model.median("requester_reply_minutes", priority))
            desk.requester_reply(at)
        elif kind < model.question_share + model.hold_share and not desk.life.held:
            desk.note(desk.near(at - rng.uniform(1, 10) * MINUTE, at))
            desk.reply(at)
            why = phrases.HOLD_REASON.format(product=desk.product)
            desk.set_status(at, HelpdeskStatus.ON_HOLD, desk.agent, why)
            desk.life.held = True
            at = desk.after(at, model.hold_median)
            desk.set_status(at, HelpdeskStatus.OPEN, desk.agent, phrases.RESUME_REASON)
            desk.note(desk.near(at + rng.uniform(1, 10) * MINUTE, at))
        else:  # an update; the requester sometimes answers it
            desk.reply(at)
            if rng.random() < model.update_answered_rate:
                at += desk.delay(model.median("requester_reply_minutes", priority))
                desk.requester_reply(at)
        at = desk.after(at, next_reply)
    desk.reply(at)
    if rng.random() < model.confirm_rate:  # pending until the requester confirms the fix
        desk.set_status(at, HelpdeskStatus.PENDING, desk.agent, phrases.CONFIRM_REASON)
        at += desk.delay(model.thanks_median)
        desk.requester_reply(at)
        at = desk.after(at, model.solve_after_thanks * factor)
    desk.solve(at, resolution)


def _maybe_reopen(desk: _Desk, priority: str, factor: float) -> None:
    model, rng = desk.model, desk.rng
    zero_touch = desk.life.touches == 0
    if rng.random() >= (model.ai_reopen_rate if zero_touch else model.reopen_rate):
        return
    reopened_at = desk.life.solved_at + timedelta(hours=rng.uniform(2, 72))
    desk.reopen(
        reopened_at, rng.choice(phrases.AI_REOPEN_REASONS if zero_touch else phrases.REOPEN_REASONS)
    )
    at = desk.after(reopened_at, model.median("next_reply_hours", priority) * factor)
    _replies(
        desk,
        at,
        1 + (rng.random() < model.reopen_second_touch_rate),
        priority,
        factor,
        phrases.REVISED_RESOLUTION,
    )


def _other_team(desk: _Desk, model: HelpdeskModel) -> str:
    """Where a misrouted ticket goes: the product's usual other team, else any other team."""
    usual = dict(model.misrouted_products).get(desk.product)
    if usual and usual != desk.team:
        return usual
    return desk.rng.choice(sorted(known_teams() - {desk.team}))


def _rating(
    rng: random.Random, ticket: dict[str, Any], life: TicketLife, model: HelpdeskModel
) -> int:
    """1..5; waits judged in the desk's staffed hours, or round the clock for on-call tickets."""
    priority = ticket["priority"]

    def waited(until: datetime) -> timedelta:
        if priority in model.on_call_priorities:
            return until - ticket["submitted_at"]
        return model.staffed_hours.working_time(ticket["submitted_at"], until)

    score = 4.3 + rng.gauss(0.0, 0.7)
    score -= {"NEGATIVE": 0.9, "MIXED": 0.4}.get(ticket.get("sentiment", ""), 0.0)
    if life.first_reply_at is not None:
        expected = model.median("assign_minutes", priority) + model.median(
            "first_reply_minutes", priority
        )
        if waited(life.first_reply_at) > 2 * expected:
            score -= 0.7
    else:
        score += 0.3  # solved by the drafted answer
    if waited(life.solved_at) > model.median("slow_resolution_hours", priority):
        score -= 0.8
    score -= 0.35 * max(0, life.touches - 2)
    score -= 1.0 if life.reopened else 0.0
    score -= 0.3 if life.held else 0.0
    return max(1, min(5, round(score)))
