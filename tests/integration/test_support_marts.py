"""The lifecycle and support marts on crafted tickets, against an independent Python reference.

One ``dbt build`` per engine (DuckDB, PostgreSQL) over tickets and lifecycle events written by
hand into the raw tables, with business hours in America/New_York (DST) and a pinned ``as_of``:

* lifecycle anomalies: skipped, out-of-order and repeated milestones are flagged with a reason,
  and each ticket's current state follows its events (reopened, solved again, failed, ...);
* SLA clocks: business minutes across weekends, midnight, a holiday, the DST change and time
  zones where the UTC day differs from the local day, plus seeded random intervals, all against
  ``helpers.business_time`` (which works in UTC instants, not wall-clock times);
* the KPIs of ``ticket_summary`` and the open backlog of ``daily_backlog`` recomputed in Python.

One scenario: its hand-written rows, its reference computation and its test read best side by
side, so the file stays whole.
"""

from __future__ import annotations

import random
import statistics
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from helpers.business_time import business_minutes, calendar_minutes, seed_holidays
from helpers.dbt_warehouse import DbtWarehouse
from helpers.support_rows import (  # noqa: F401  (the Redshift harness test reads them here)
    EVENT_STAGING_COLUMNS,
    EVENTS_TABLE,
    STAGING_COLUMNS,
    TICKETS_TABLE,
    Ticket,
    event_rows,
    load_tickets,
    ticket_row,
)

TIMEZONE = "America/New_York"
AS_OF = datetime(2025, 8, 19, 12, 0)  # Tuesday 08:00 in New York, before opening
VARIABLES = {"business_timezone": TIMEZONE, "as_of": AS_OF.isoformat(sep=" ")}
SELECTION = "+path:models/marts/lifecycle +path:models/marts/support"
TARGETS = {  # seeds/sla_policies.csv: (priority, metric) -> (minutes, clock)
    ("HIGH", "first_response"): (15, "calendar"),
    ("HIGH", "resolution"): (240, "calendar"),
    ("MEDIUM", "first_response"): (60, "business"),
    ("MEDIUM", "resolution"): (960, "business"),
    ("NORMAL", "first_response"): (240, "business"),
    ("NORMAL", "resolution"): (1440, "business"),
}


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


def lifecycle_tickets() -> dict[str, Ticket]:
    start = _utc("2025-08-12 14:00:00")  # Tuesday 10:00 in New York
    t = {
        name: Ticket(name, "MEDIUM", start)
        for name in (
            "L-NORMAL",
            "L-REOPEN",
            "L-REOPEN-OPEN",
            "L-OUT-OF-ORDER",
            "L-SKIPPED",
            "L-REPEAT",
            "L-AWAIT",
            "L-FAILED",
            "L-SAT-EARLY",
            "L-NO-EVENTS",
        )
    }
    t["L-ESCALATED"] = Ticket("L-ESCALATED", "HIGH", start)
    t["L-NORMAL"].answered().at("ASSIGNED", 30, team="compute").at("RESOLVED", 300).at(
        "SATISFACTION_RATED", 400, rating=5
    )
    t["L-REOPEN"].answered().at("ASSIGNED", 30).at("RESOLVED", 300).at("REOPENED", 600).at(
        "RESOLVED", 900
    ).at("SATISFACTION_RATED", 950, rating=2)
    t["L-REOPEN-OPEN"].answered().at("ASSIGNED", 30).at("RESOLVED", 300).at("REOPENED", 600)
    t["L-OUT-OF-ORDER"].answered().at("RESOLVED", 300).at("ASSIGNED", 500)
    t["L-SKIPPED"].answered().at("RESOLVED", 300)
    t["L-REPEAT"].answered().at("STORED", 0.2).at("ASSIGNED", 30)
    t["L-AWAIT"].answered()
    t["L-FAILED"].at("SUBMITTED", 0).at("SENTIMENT_SCORED", 0.05).at(
        "PROCESSING_FAILED", 0.2, error="ResponseGenerationError"
    )
    t["L-SAT-EARLY"].answered().at("ASSIGNED", 30).at("SATISFACTION_RATED", 200, rating=4).at(
        "RESOLVED", 300
    )
    t["L-ESCALATED"].answered().at("ESCALATED", 0.2).at("ASSIGNED", 10).at("RESOLVED", 200)
    return t


# (ticket, priority, submitted UTC, resolved UTC or None, business minutes by hand)
SLA_CASES = [
    # Friday 16:00 EDT -> Monday 10:00 EDT: one hour each side of the weekend
    ("S-WEEKEND", "NORMAL", "2025-08-15 20:00:00", "2025-08-18 14:00:00", 120.0),
    # Tuesday 23:30 EDT (Wednesday in UTC) -> Wednesday 09:30 EDT
    ("S-MIDNIGHT", "NORMAL", "2025-08-13 03:30:00", "2025-08-13 13:30:00", 30.0),
    # Friday 16:30 -> Tuesday 09:15 over Memorial Day (seeds/business_holidays.csv)
    ("S-HOLIDAY", "NORMAL", "2025-05-23 20:30:00", "2025-05-27 13:15:00", 45.0),
    # Friday 12:00 EST -> Monday 12:00 EDT, over the start of daylight saving time
    ("S-DST", "NORMAL", "2025-03-07 17:00:00", "2025-03-10 16:00:00", 480.0),
    # Saturday -> Sunday: no business time at all
    ("S-WEEKEND-ONLY", "NORMAL", "2025-08-16 14:00:00", "2025-08-17 20:00:00", 0.0),
    # Monday 08:00 -> the next Friday 18:00: ten whole business days, breached
    ("S-TWO-WEEKS", "NORMAL", "2025-08-04 12:00:00", "2025-08-15 22:00:00", 4800.0),
    # Tuesday 21:00 EDT (Wednesday 01:00 UTC) -> Wednesday 10:00 EDT
    ("S-UTC-DAY-DIFFERS", "NORMAL", "2025-08-13 01:00:00", "2025-08-13 14:00:00", 60.0),
    # within one day, to the millisecond
    ("S-ONE-DAY", "NORMAL", "2025-08-13 14:00:00", "2025-08-13 15:30:30.500000", 90.508333),
    # still open at AS_OF: Thursday 15:00 .. Tuesday 08:00 -> 2 h + 8 h + 8 h, not breached
    ("S-OPEN", "NORMAL", "2025-08-14 19:00:00", None, 1080.0),
    # still open and long past its target
    ("S-OPEN-BREACHED", "NORMAL", "2025-08-11 13:00:00", None, 2880.0),
    # HIGH runs on the calendar clock: 5 hours on a Saturday breach 240 minutes
    ("S-HIGH", "HIGH", "2025-08-16 10:00:00", "2025-08-16 15:00:00", 0.0),
]


def sla_tickets() -> dict[str, Ticket]:
    tickets = {}
    for name, priority, submitted, resolved, _ in SLA_CASES:
        ticket = Ticket(name, priority, _utc(submitted))
        if resolved is None:
            ticket.answered().at("ASSIGNED", 1)
        else:
            ticket.resolved_at(_utc(resolved))
        tickets[name] = ticket
    rng = random.Random(7)
    for n in range(30):  # random intervals over three weeks, any hour
        submitted = _utc("2025-07-28 00:00:00") + timedelta(minutes=rng.randrange(21 * 24 * 60))
        resolved = submitted + timedelta(minutes=rng.uniform(2, 6 * 24 * 60))
        if resolved < AS_OF:
            tickets[f"R-{n:02d}"] = Ticket(f"R-{n:02d}", "MEDIUM", submitted).resolved_at(resolved)
    return tickets


def all_tickets() -> dict[str, Ticket]:
    return lifecycle_tickets() | sla_tickets()


@pytest.fixture
def built(dbt_warehouse: DbtWarehouse) -> DbtWarehouse:
    load_tickets(dbt_warehouse, all_tickets().values())
    dbt_warehouse.dbt(
        "build", "--select", SELECTION, "--indirect-selection", "cautious", variables=VARIABLES
    )
    return dbt_warehouse


# --------------------------------------------------------------------------------------------
# The Python reference of the lifecycle
# --------------------------------------------------------------------------------------------
def resolution_of(ticket: Ticket) -> datetime | None:
    """The final resolution: the last RESOLVED, unless a reopen came after it."""
    changes = [(at, m) for m, at, _ in ticket.events if m in ("RESOLVED", "REOPENED")]
    if not changes:
        return None
    at, milestone = max(changes)
    return at if milestone == "RESOLVED" else None


def first_response_of(ticket: Ticket) -> datetime:
    responses = [at for m, at, _ in ticket.events if m == "RESPONSE_GENERATED"]
    return min(responses) if responses else ticket.processed_at


def open_at_end_of(ticket: Ticket, day: date) -> bool:
    if ticket.submitted_at.date() > day:
        return False
    changes = sorted((at, m) for m, at, _ in ticket.events if m in ("RESOLVED", "REOPENED"))
    state = "open"
    for at, milestone in changes:
        if at.date() <= day:
            state = "closed" if milestone == "RESOLVED" else "open"
    return state == "open"


def expected_clock(ticket: Ticket, metric: str) -> dict[str, Any]:
    target, clock = TARGETS[(ticket.priority, metric)]
    achieved = first_response_of(ticket) if metric == "first_response" else resolution_of(ticket)
    until = achieved or AS_OF
    business = business_minutes(
        ticket.submitted_at, until, timezone=TIMEZONE, holidays=seed_holidays()
    )
    calendar = calendar_minutes(ticket.submitted_at, until)
    elapsed = business if clock == "business" else calendar
    return {
        "achieved": achieved is not None,
        "business": business,
        "calendar": calendar,
        "breached": elapsed > target,
    }


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------
@pytest.mark.dbt
def test_support_marts_match_the_reference(built: DbtWarehouse) -> None:
    tickets = all_tickets()
    check_lifecycle(built)
    check_sla_events(built, tickets)
    check_ticket_metrics(built, tickets)
    check_summary(built, tickets)
    check_backlog(built, tickets)


def check_lifecycle(warehouse: DbtWarehouse) -> None:
    anomalies = {
        (row["ticket_id"], row["milestone"], row["anomaly_reason"])
        for row in warehouse.records("marts.fct_ticket_milestones")
        if row["has_anomaly"]
    }
    assert anomalies == {
        ("L-OUT-OF-ORDER", "RESOLVED", "out of order: RESOLVED before ASSIGNED"),
        ("L-SKIPPED", "RESOLVED", "skipped: no ASSIGNED before RESOLVED"),
        ("L-REPEAT", "STORED", "repeated: STORED happened more than once"),
        ("L-SAT-EARLY", "SATISFACTION_RATED", "out of order: SATISFACTION_RATED before RESOLVED"),
    }
    state = {row["ticket_id"]: row for row in warehouse.records("marts.ticket_current_state")}
    assert "L-NO-EVENTS" not in state
    expected_status = {
        "L-NORMAL": "solved",
        "L-REOPEN": "solved",
        "L-REOPEN-OPEN": "reopened",
        "L-OUT-OF-ORDER": "solved",
        "L-SKIPPED": "solved",
        "L-REPEAT": "assigned",
        "L-AWAIT": "awaiting_agent",
        "L-FAILED": "failed",
        "L-SAT-EARLY": "solved",
        "L-ESCALATED": "solved",
    }
    assert {k: state[k]["status"] for k in expected_status} == expected_status
    reopen = state["L-REOPEN"]
    start = _utc("2025-08-12 14:00:00")
    assert (reopen["reopen_count"], reopen["resolution_count"]) == (1, 2)
    assert reopen["resolved_at"] == start + timedelta(minutes=900)
    assert reopen["first_resolved_at"] == start + timedelta(minutes=300)
    assert reopen["satisfaction_rating"] == 2
    assert state["L-REOPEN-OPEN"]["resolved_at"] is None
    assert state["L-OUT-OF-ORDER"]["anomaly_count"] == 1
    assert state["L-ESCALATED"]["is_escalated"] and not state["L-NORMAL"]["is_escalated"]
    assert state["L-NORMAL"]["minutes_response_to_assignment"] == pytest.approx(29.9)
    assert state["L-NORMAL"]["minutes_submitted_to_resolution"] == pytest.approx(300)


def check_sla_events(warehouse: DbtWarehouse, tickets: dict[str, Ticket]) -> None:
    rows = {(r["ticket_id"], r["metric"]): r for r in warehouse.records("marts.sla_events")}
    assert len(rows) == 2 * len(tickets)
    for (ticket_id, metric), row in rows.items():
        expected = expected_clock(tickets[ticket_id], metric)
        label = f"{ticket_id} {metric}"
        assert row["is_achieved"] == expected["achieved"], label
        assert row["elapsed_business_minutes"] == pytest.approx(expected["business"], abs=1e-3), (
            label
        )
        assert row["elapsed_calendar_minutes"] == pytest.approx(expected["calendar"], abs=1e-3), (
            label
        )
        assert row["is_breached"] == expected["breached"], label
    for name, _, _, _, by_hand in SLA_CASES:
        minutes = rows[(name, "resolution")]["elapsed_business_minutes"]
        assert minutes == pytest.approx(by_hand, abs=1e-3), name
    status = {name: rows[(name, "resolution")]["sla_status"] for name, *_ in SLA_CASES}
    assert status["S-TWO-WEEKS"] == status["S-OPEN-BREACHED"] == status["S-HIGH"] == "breached"
    assert status["S-OPEN"] == "active" and status["S-WEEKEND"] == "achieved"


def check_ticket_metrics(warehouse: DbtWarehouse, tickets: dict[str, Ticket]) -> None:
    metrics = {row["ticket_id"]: row for row in warehouse.records("marts.ticket_metrics")}
    assert metrics.keys() == tickets.keys()
    no_events = metrics["L-NO-EVENTS"]
    assert no_events["status"] == "unknown" and not no_events["is_resolved"]
    assert no_events["first_response_at"] == tickets["L-NO-EVENTS"].processed_at
    for ticket_id, row in metrics.items():
        resolution = expected_clock(tickets[ticket_id], "resolution")
        expected_minutes = resolution["business"] if resolution["achieved"] else None
        assert row["resolution_business_minutes"] == pytest.approx(expected_minutes, abs=1e-3)
        assert row["has_open_sla_clock"] == (not resolution["achieved"]), ticket_id
    assert metrics["L-REOPEN"]["is_reopened"] and metrics["L-REOPEN"]["is_satisfied"] is False
    assert metrics["L-NORMAL"]["is_satisfied"] is True
    assert metrics["L-ESCALATED"]["is_escalated"]


def check_summary(warehouse: DbtWarehouse, tickets: dict[str, Ticket]) -> None:
    (summary,) = [r for r in warehouse.records("marts.ticket_summary") if r["period_order"] == 1]
    clocks = {t: expected_clock(ticket, "resolution") for t, ticket in tickets.items()}
    first = {t: expected_clock(ticket, "first_response") for t, ticket in tickets.items()}
    resolved = [c for c in clocks.values() if c["achieved"]]
    breached = [t for t in tickets if clocks[t]["breached"] or first[t]["breached"]]
    decided = [
        t for t in tickets if t in breached or (clocks[t]["achieved"] and first[t]["achieved"])
    ]
    ratings = [
        d["rating"] for t in tickets.values() for m, _, d in t.events if m == "SATISFACTION_RATED"
    ]
    assert summary["ticket_count"] == len(tickets)
    assert summary["solved_count"] == len(resolved)
    assert summary["median_resolution_business_minutes"] == pytest.approx(
        statistics.median(c["business"] for c in resolved), abs=1e-3
    )
    assert summary["median_resolution_minutes"] == pytest.approx(
        statistics.median(c["calendar"] for c in resolved), abs=1e-3
    )
    assert summary["sla_breach_rate"] == pytest.approx(len(breached) / len(decided))
    assert summary["csat"] == pytest.approx(sum(r >= 4 for r in ratings) / len(ratings))
    resolved_once = [t for t in tickets.values() if any(m == "RESOLVED" for m, _, _ in t.events)]
    reopened = [t for t in resolved_once if any(m == "REOPENED" for m, _, _ in t.events)]
    assert summary["reopen_rate"] == pytest.approx(len(reopened) / len(resolved_once))
    assert summary["escalation_rate"] == pytest.approx(1 / len(tickets))
    assert summary["lifecycle_anomaly_rate"] == pytest.approx(4 / len(tickets))
    assert summary["judged_count"] == 0 and summary["judge_pass_rate"] is None


def check_backlog(warehouse: DbtWarehouse, tickets: dict[str, Ticket]) -> None:
    backlog = {row["backlog_date"]: row for row in warehouse.records("marts.daily_backlog")}
    first_day = min(t.submitted_at.date() for t in tickets.values())
    assert min(backlog) == first_day and max(backlog) == AS_OF.date()
    for day, row in backlog.items():
        expected = sum(open_at_end_of(t, day) for t in tickets.values())
        assert row["open_count"] == expected, day
        created = sum(t.submitted_at.date() == day for t in tickets.values())
        assert row["created_count"] == created, day
