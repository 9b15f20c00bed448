"""What the help desk does with a ticket after the workflow has answered it, as events.

A plain, seeded model of a support team, honest about being a model: agents of the owning team
(``dbt_project/seeds/product_teams.csv``) pick tickets up after a delay that depends on priority,
resolve them after a log-normal working time, a share of resolutions are reopened, and a share of
customers rate their experience. Ratings fall with negative sentiment, slow resolutions and
reopens. Events later than the simulation's ``now`` have not happened yet and are not emitted, so
some tickets stay open, and slow ones breach their SLA, as in a real queue.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ticket_platform.contracts import EventName, EventSource
from ticket_platform.routing.teams import team_of
from ticket_platform_demo.synthetic.people import FIRST_NAMES, LAST_NAMES

REOPEN_REASONS = (
    "The issue came back after the suggested fix.",
    "The workaround did not hold under production load.",
    "The customer reports the same error in a second region.",
    "The root cause was not addressed, only the symptom.",
)
RESOLUTIONS = (
    "configuration corrected",
    "quota increased",
    "guidance provided",
    "service-side issue mitigated",
    "documentation shared",
)
COMMENTS = {
    1: "The problem took far too long to resolve.",
    2: "Resolved eventually, but communication was slow.",
    3: "Acceptable support.",
    4: "Helpful and clear guidance.",
    5: "Excellent, fast and precise help.",
}


@dataclass(frozen=True)
class HelpdeskModel:
    """The knobs of the model; medians and spreads of log-normal delays per priority."""

    assign_median_minutes: tuple[tuple[str, float], ...] = (
        ("HIGH", 12.0),
        ("MEDIUM", 75.0),
        ("NORMAL", 180.0),
    )
    resolve_median_hours: tuple[tuple[str, float], ...] = (
        ("HIGH", 1.6),
        ("MEDIUM", 11.0),
        ("NORMAL", 26.0),
    )
    spread: float = 0.85  # sigma of the log-normal delays
    never_resolved_rate: float = 0.02  # stuck tickets: assigned, never resolved
    reopen_rate: float = 0.08
    rating_rate: float = 0.6
    agents_per_team: int = 6

    def assign_median(self, priority: str) -> timedelta:
        return timedelta(minutes=dict(self.assign_median_minutes).get(priority, 180.0))

    def resolve_median(self, priority: str) -> timedelta:
        return timedelta(hours=dict(self.resolve_median_hours).get(priority, 26.0))


def agent_of(team: str, pick: int, model: HelpdeskModel) -> str:
    """A stable agent name within a team (``pick`` chooses among its agents)."""
    base = sum(team.encode()) * 7919 + (pick % model.agents_per_team) * 104_729
    return f"{FIRST_NAMES[base % len(FIRST_NAMES)]} {LAST_NAMES[(base // 7) % len(LAST_NAMES)]}"


def helpdesk_events(
    ticket: dict[str, Any],
    *,
    seed: int,
    now: datetime,
    model: HelpdeskModel = HelpdeskModel(),
) -> list[dict[str, Any]]:
    """The help desk's events for one processed ticket, in time order, up to ``now``.

    ``ticket`` is a processed ticket (contract field names, ``processed_at`` a datetime).
    """
    ticket_id = ticket["ticket_id"]
    priority = ticket["priority"]
    rng = random.Random(f"helpdesk/v1:{seed}:{ticket_id}")
    team = team_of(ticket["product"])
    agent = agent_of(team, rng.randrange(model.agents_per_team), model)
    events: list[dict[str, Any]] = []

    def emit(name: EventName, at: datetime, data: dict[str, Any]) -> None:
        number = sum(1 for e in events if e["eventName"] == name) + 1
        events.append(
            {
                "eventName": str(name),
                "eventId": f"{ticket_id}:{name}:{number}",
                "ticketId": ticket_id,
                "occurredAt": at,
                "source": str(EventSource.HELPDESK),
                "data": data,
            }
        )

    def lognormal(median: timedelta) -> timedelta:
        return median * math.exp(rng.gauss(0.0, model.spread))

    assigned_at = ticket["processed_at"] + lognormal(model.assign_median(priority))
    emit(EventName.TICKET_ASSIGNED, assigned_at, {"agent": agent, "team": team})
    if rng.random() < model.never_resolved_rate:
        return _until(events, now)

    resolved_at = assigned_at + lognormal(model.resolve_median(priority))
    emit(
        EventName.TICKET_RESOLVED,
        resolved_at,
        {"agent": agent, "resolution": rng.choice(RESOLUTIONS)},
    )
    reopened = rng.random() < model.reopen_rate
    if reopened:
        reopened_at = resolved_at + timedelta(hours=rng.uniform(2, 72))
        emit(EventName.TICKET_REOPENED, reopened_at, {"reason": rng.choice(REOPEN_REASONS)})
        resolved_at = reopened_at + lognormal(model.resolve_median(priority) / 2)
        emit(EventName.TICKET_RESOLVED, resolved_at, {"agent": agent, "resolution": "fix revised"})

    if rng.random() < model.rating_rate:
        rating = _rating(rng, ticket, resolved_at - ticket["submitted_at"], reopened, model)
        rated_at = resolved_at + timedelta(minutes=rng.uniform(10, 2880))
        emit(
            EventName.SATISFACTION_RATED, rated_at, {"rating": rating, "comment": COMMENTS[rating]}
        )
    return _until(events, now)


def _rating(
    rng: random.Random,
    ticket: dict[str, Any],
    time_to_resolve: timedelta,
    reopened: bool,
    model: HelpdeskModel,
) -> int:
    score = 4.3 + rng.gauss(0.0, 0.8)
    score -= {"NEGATIVE": 0.9, "MIXED": 0.4}.get(ticket.get("sentiment", ""), 0.0)
    expected = model.resolve_median(ticket["priority"]) + model.assign_median(ticket["priority"])
    if time_to_resolve > 2 * expected:
        score -= 1.0
    if reopened:
        score -= 1.0
    return max(1, min(5, round(score)))


def _until(events: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    return [event for event in events if event["occurredAt"] <= now]
