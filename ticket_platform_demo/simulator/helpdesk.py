"""What the help desk does with a ticket after the workflow has answered it, as events.

A plain, seeded model of a Zendesk-like support desk, honest about being a model (no real agent
data stands behind its numbers; they were chosen to look like a plausible queue). For each
processed ticket it writes the conversation that follows the AI draft (``ResponseGenerated``,
seconds after submission) as contract events (``ticket_platform/contracts/events.py``):

* **Assignment** to an agent of the team owning the product (``dbt_project/seeds/
  product_teams.csv``) after a log-normal delay by priority. Some tickets are **reassigned** to
  another team (``TicketReassigned`` with ``from_team``), often after an internal note: products
  that are often misrouted go to their usual other team (``misrouted_products``), others to any
  other team; a loaded team passes more tickets on.
* **Zero touch**: a share of requesters accept the AI draft (more for NORMAL than HIGH, fewer
  for NEGATIVE tickets): they reply "thanks, that fixed it" and the agent solves without a public
  reply.
* Otherwise the **first human reply** (``AgentReplied``) comes after a delay by priority,
  sometimes preceded by an internal note, then 1, 2 or more public replies (``touch_weights``;
  NEGATIVE tickets need one more a third of the time). A reply before the last one is a question
  (``TicketStatusChanged`` to pending by the agent until the requester replies; Zendesk's trigger
  then sets it back to open, with no agent, at the reply's instant), a hand-off to the AWS
  service team (on_hold, with internal notes, then open again when the team answers) or an
  update (which the requester sometimes answers). A requester who never answers a question gets
  the ticket solved after ``auto_solve_after``. The last reply solves the ticket, or leaves it
  pending until the requester confirms the fix.
* **Reopens**: a share of solves is reopened by the requester (a reply and ``TicketReopened``
  at the same instant), followed by one or two more replies and a second solve.
* **Ratings**: a share of customers rate once, after the last solve. Ratings fall with negative
  sentiment, a slow first human reply, a slow resolution, touches beyond two, a reopen and an
  on-hold wait, and rise a little when the draft alone solved it.

**Staffed hours**: agents work MEDIUM and NORMAL tickets (whose SLAs run on the marts'
business clock) on weekdays 09:00-17:00 UTC, holidays of ``dbt_project/seeds/
business_holidays.csv`` closed, the defaults of the dbt vars ``business_*`` (``helpdesk_hours.py``).
An agent action (assignment, reassignment, public reply, internal note, status change, solve)
that would fall outside them moves to the next opening plus a place in the morning queue, and
the conversation goes on from there. HIGH tickets (calendar-clock SLAs) are worked around the
clock by an on-call rotation, slower outside staffed hours. Requesters reply, reopen and rate at
any hour.

**Team load** is the number of the team's tickets open (submitted, not yet finally solved) when
the ticket arrives, counted by ``HelpDesk`` over the tickets it has seen, which the simulator
passes in submission order. Delays scale by ``1 + load_slowdown * load / capacity`` (capacity =
``agents_per_team * open_tickets_per_agent``), at most ``max_load_factor``.

The knobs (``HelpdeskModel``): assignment median 4 / 45 / 120 minutes (HIGH / MEDIUM / NORMAL),
first human reply median 10 / 60 / 150 minutes after assignment, next reply median 0.5 / 5 / 10
hours, requester reply median 30 / 180 / 180 minutes, on-hold median 16 hours, a thanks 50
minutes after the answer, a solve 30 minutes after it, a reassignment 45 minutes after the
assignment; log-normal spread 0.85. A resolution slower than 8 calendar / 32 / 48 business hours
(twice the SLA targets) lowers the rating, and a first reply slower than twice the expected one
(in business time for MEDIUM and NORMAL). Requesters reply by email 70 % of the time (else on the
web). Draft accepted 6 % / 16 % / 26 % (halved for NEGATIVE); touches 1: 50 %, 2: 26 %, 3: 13 %, 4: 7 %, 5: 4 %; a non-final reply is a
question 60 %, an on-hold hand-off 15 % (once per ticket), an update 25 % (answered half the
time); final reply waits for a confirmation 30 %; 5 % of questions go unanswered (solved after 4
days); internal note before the first reply 35 %; reassignment 4 %, 30 % for misrouted products,
plus up to 8 % with load; 2 % never solved; reopen 8 % (12 % after a zero-touch solve), a second
reply after a reopen 30 %; rating 60 %; 6 agents per team, 12 open tickets each; load slowdown
1.0, at most x3; staffed weekdays 09:00-17:00 UTC (the dbt vars' defaults), morning queue median
30 minutes; HIGH on call around the clock, delays x1.3 outside staffed hours.

Events later than the simulation's ``now`` have not happened yet and are not emitted, so tickets
stay open, pending or on hold at the end, and slow ones breach their SLA, as in a real queue.
Same seed, same tickets in the same order: same events, with stable event ids
(``<ticket>:<event name>:<n>``).
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from ticket_platform.routing.teams import team_of
from ticket_platform_demo.simulator.helpdesk_conversation import TicketLife, conversation
from ticket_platform_demo.simulator.helpdesk_hours import StaffedHours
from ticket_platform_demo.simulator.helpdesk_phrases import RESOLUTIONS
from ticket_platform_demo.synthetic.people import FIRST_NAMES, LAST_NAMES

_PRIORITY_DEFAULT = "NORMAL"
NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class HelpdeskModel:
    """The knobs of the model (see the module docstring); medians per priority."""

    assign_minutes: tuple[tuple[str, float], ...] = (("HIGH", 4), ("MEDIUM", 45), ("NORMAL", 120))
    first_reply_minutes: tuple[tuple[str, float], ...] = (
        ("HIGH", 10),
        ("MEDIUM", 60),
        ("NORMAL", 150),
    )
    next_reply_hours: tuple[tuple[str, float], ...] = (
        ("HIGH", 0.5),
        ("MEDIUM", 5),
        ("NORMAL", 10),
    )
    # A resolution slower than this lowers the rating (twice the SLA targets; business hours for
    # the staffed priorities, calendar hours for the on-call ones).
    slow_resolution_hours: tuple[tuple[str, float], ...] = (
        ("HIGH", 8),
        ("MEDIUM", 32),
        ("NORMAL", 48),
    )
    # A requester with an urgent (HIGH) ticket watches it and answers quickly.
    requester_reply_minutes: tuple[tuple[str, float], ...] = (
        ("HIGH", 30),
        ("MEDIUM", 180),
        ("NORMAL", 180),
    )
    hold_median: timedelta = timedelta(hours=16)
    thanks_median: timedelta = timedelta(minutes=50)
    solve_after_thanks: timedelta = timedelta(minutes=30)
    reassign_median: timedelta = timedelta(minutes=45)
    auto_solve_after: timedelta = timedelta(days=4)
    spread: float = 0.85  # sigma of the log-normal delays

    draft_accepted: tuple[tuple[str, float], ...] = (
        ("HIGH", 0.06),
        ("MEDIUM", 0.16),
        ("NORMAL", 0.26),
    )
    negative_draft_factor: float = 0.5
    touch_weights: tuple[tuple[int, float], ...] = ((1, 50), (2, 26), (3, 13), (4, 7), (5, 4))
    negative_extra_touch_rate: float = 0.33
    question_share: float = 0.60
    hold_share: float = 0.15
    update_answered_rate: float = 0.5
    confirm_rate: float = 0.30
    abandon_rate: float = 0.05
    note_rate: float = 0.35
    email_share: float = 0.7

    base_reassign_rate: float = 0.04
    misrouted_reassign_rate: float = 0.30
    loaded_reassign_bonus: float = 0.08
    # Products whose tickets often belong to another team, and that team.
    misrouted_products: tuple[tuple[str, str], ...] = (
        ("AWS Lambda", "security & identity"),
        ("AWS Fargate", "compute"),
        ("Amazon EBS", "compute"),
        ("Elastic Load Balancing", "containers"),
        ("Amazon Kinesis", "integration"),
        ("AWS Backup", "databases"),
        ("Amazon CloudFront", "storage"),
        ("AWS KMS", "storage"),
        ("Amazon QuickSight", "analytics"),
        ("Cloud Analytics Dashboard", "analytics"),
        ("AWS Step Functions", "compute"),
        ("Data Pipeline Service", "integration"),
    )

    never_resolved_rate: float = 0.02
    reopen_rate: float = 0.08
    ai_reopen_rate: float = 0.12
    reopen_second_touch_rate: float = 0.30
    rating_rate: float = 0.6

    agents_per_team: int = 6
    # 12, not 8: a day desk carries the night's and the weekend's queue as open tickets that
    # nobody is working on yet.
    open_tickets_per_agent: int = 12
    load_slowdown: float = 1.0
    max_load_factor: float = 3.0

    # When agents work MEDIUM and NORMAL tickets. The defaults mirror the dbt vars business_timezone
    # (UTC), business_days ([1..5]), business_day_start_hour (9), business_day_end_hour (17) of
    # dbt_project/dbt_project.yml and the holidays of seeds/business_holidays.csv: keep in step.
    staffed_hours: StaffedHours = field(default_factory=StaffedHours)
    # An agent action that falls outside staffed hours waits for the next opening, plus this
    # (log-normal median, spread ``spread``): the overnight queue is worked through the morning.
    opening_queue_median: timedelta = timedelta(minutes=30)
    # Priorities an on-call rotation works around the clock (their SLAs run on a calendar clock),
    # this much slower outside staffed hours.
    on_call_priorities: tuple[str, ...] = ("HIGH",)
    on_call_night_slowdown: float = 1.3

    def median(self, knob: str, priority: str) -> timedelta:
        """The median of a per-priority delay knob (``assign_minutes``, ``*_hours``)."""
        table = dict(getattr(self, knob))
        value = table.get(priority, table[_PRIORITY_DEFAULT])
        return timedelta(minutes=value) if knob.endswith("_minutes") else timedelta(hours=value)

    def load_factor(self, team_load: int) -> float:
        capacity = self.agents_per_team * self.open_tickets_per_agent
        return min(self.max_load_factor, 1.0 + self.load_slowdown * team_load / capacity)

    def ai_accept_rate(self, priority: str, sentiment: str) -> float:
        table = dict(self.draft_accepted)
        rate = table.get(priority, table[_PRIORITY_DEFAULT])
        return rate * (self.negative_draft_factor if sentiment == "NEGATIVE" else 1.0)

    def reassign_rate(self, product: str, team_load: int) -> float:
        misrouted = product in dict(self.misrouted_products)
        base = self.misrouted_reassign_rate if misrouted else self.base_reassign_rate
        capacity = self.agents_per_team * self.open_tickets_per_agent
        return base + self.loaded_reassign_bonus * min(1.0, team_load / capacity)

    def draw_touches(self, rng: random.Random, sentiment: str) -> int:
        touches, weights = zip(*self.touch_weights, strict=True)
        drawn = rng.choices(touches, weights)[0]
        extra = sentiment == "NEGATIVE" and rng.random() < self.negative_extra_touch_rate
        return drawn + extra

    def resolution(self, rng: random.Random) -> str:
        return rng.choice(RESOLUTIONS)

    def agent(self, team: str, pick: int) -> str:
        """A stable agent name within a team (``pick`` chooses among its agents)."""
        base = sum(team.encode()) * 7919 + (pick % self.agents_per_team) * 104_729
        return f"{FIRST_NAMES[base % len(FIRST_NAMES)]} {LAST_NAMES[(base // 7) % len(LAST_NAMES)]}"


def ticket_life(
    ticket: dict[str, Any], *, seed: int, model: HelpdeskModel, team_load: int = 0
) -> TicketLife:
    """The whole help-desk life of one processed ticket, ``now`` not applied."""
    rng = random.Random(f"helpdesk/v2:{seed}:{ticket['ticket_id']}")
    return conversation(ticket, rng=rng, model=model, team_load=team_load)


def helpdesk_events(
    ticket: dict[str, Any],
    *,
    seed: int,
    now: datetime,
    model: HelpdeskModel = HelpdeskModel(),
    team_load: int = 0,
) -> list[dict[str, Any]]:
    """The help desk's events for one processed ticket, in time order, up to ``now``.

    ``ticket`` is a processed ticket (contract field names, ``submitted_at`` and ``processed_at``
    datetimes); ``team_load`` the owning team's open tickets when it arrives (``HelpDesk``
    counts it over a batch).
    """
    life = ticket_life(ticket, seed=seed, model=model, team_load=team_load)
    return [event for event in life.events if event["occurredAt"] <= now]


class HelpDesk:
    """The help desk over a batch of tickets: keeps each team's open tickets to know its load.

    Give it tickets in submission order (the simulator does): the load when a ticket arrives is
    then exact, since a later ticket cannot be open yet.
    """

    def __init__(self, *, seed: int, now: datetime, model: HelpdeskModel = HelpdeskModel()):
        self.seed = seed
        self.now = now
        self.model = model
        self._order = count()
        # Per team: segments not yet started (start, end) and open ones (end) as heaps.
        self._starting: dict[str, list[tuple[datetime, int, datetime]]] = {}
        self._open: dict[str, list[datetime]] = {}

    def load(self, team: str, at: datetime) -> int:
        """The team's tickets open at ``at`` (among the tickets seen so far)."""
        starting = self._starting.setdefault(team, [])
        open_ends = self._open.setdefault(team, [])
        while starting and starting[0][0] <= at:
            heapq.heappush(open_ends, heapq.heappop(starting)[2])
        while open_ends and open_ends[0] <= at:
            heapq.heappop(open_ends)
        return len(open_ends)

    def events(self, ticket: dict[str, Any]) -> list[dict[str, Any]]:
        """The ticket's events up to ``now``, its team's current load applied."""
        load = self.load(team_of(ticket["product"]), ticket["submitted_at"])
        life = ticket_life(ticket, seed=self.seed, model=self.model, team_load=load)
        for team, start, end in life.segments:
            entry = (start, next(self._order), end or NEVER)
            heapq.heappush(self._starting.setdefault(team, []), entry)
        return [event for event in life.events if event["occurredAt"] <= self.now]
