"""The help desk's conversation marts on crafted tickets, against an independent Python reference.

One ``dbt build`` per engine (DuckDB, PostgreSQL) over hand-written tickets whose events carry
the conversation (agent and requester replies, internal notes, reassignments) and the waits
(TicketStatusChanged to pending / on_hold / open), with business hours in America/New_York and
a pinned ``as_of``. ``int_ticket_status_intervals``, ``ticket_reply_times``,
``ticket_conversation_metrics``, their columns in ``ticket_metrics`` and the new KPIs of
``ticket_summary`` are recomputed in Python (``helpers.support_rows`` for statuses and replies,
``helpers.business_time`` for business minutes) and compared.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from helpers.business_time import business_minutes, calendar_minutes, seed_holidays
from helpers.dbt_warehouse import DbtWarehouse
from helpers.support_rows import Ticket, load_tickets, status_intervals

TIMEZONE = "America/New_York"
AS_OF = datetime(2025, 8, 19, 12, 0)  # Tuesday 08:00 in New York, before opening
VARIABLES = {"business_timezone": TIMEZONE, "as_of": AS_OF.isoformat(sep=" ")}
SELECTION = "+path:models/marts/support +int_ticket_status_intervals"
# Data tests run on these models only: the scenario is about them (other models' tests belong
# to their own scenarios, e.g. test_support_marts.py).
TESTED = "int_ticket_status_intervals ticket_reply_times ticket_conversation_metrics"
TUESDAY = datetime(2025, 8, 12, 14, 0)  # 10:00 in New York
FRIDAY_LATE = datetime(2025, 8, 15, 20, 30)  # 16:30 in New York, half an hour before closing
WEDNESDAY_LATE = datetime(2025, 8, 13, 20, 0)  # 16:00 in New York
AGENT = {"agent": "ana", "team": "compute"}


def _ticket(name: str, submitted_at: datetime = TUESDAY) -> Ticket:
    return Ticket(name, "MEDIUM", submitted_at).answered().at("ASSIGNED", 5, **AGENT)


def _pending(ticket: Ticket, minutes: float, agent: str | None = "ana") -> Ticket:
    return ticket.at("STATUS_CHANGED", minutes, status="pending", agent=agent, reason="asked")


def _status(ticket: Ticket, minutes: float, status: str, agent: str | None = None) -> Ticket:
    return ticket.at("STATUS_CHANGED", minutes, status=status, agent=agent, reason="")


def conversation_tickets() -> dict[str, Ticket]:
    """One ticket per conversation shape the marts must measure."""
    t: dict[str, Ticket] = {}
    t["C-ONE-TOUCH"] = (
        _ticket("C-ONE-TOUCH")
        .at("AGENT_REPLIED", 20, **AGENT)
        .at("RESOLVED", 21, **AGENT)
        .at("SATISFACTION_RATED", 60, rating=5)
    )
    two = _pending(_ticket("C-TWO-TOUCH").at("AGENT_REPLIED", 30, **AGENT), 30)
    _status(two.at("REQUESTER_REPLIED", 90, channel="email"), 90, "open")
    t["C-TWO-TOUCH"] = (
        two.at("INTERNAL_NOTE", 100, **AGENT)
        .at("AGENT_REPLIED", 150, **AGENT)
        .at("RESOLVED", 151, **AGENT)
    )
    t["C-AI-ACCEPTED"] = _ticket("C-AI-ACCEPTED").at("RESOLVED", 10, **AGENT)
    # pending -> the requester replies twice (one wait) -> open -> two agent replies
    pending = _pending(_ticket("C-PENDING-REPLY").at("AGENT_REPLIED", 15, **AGENT), 15.5)
    _status(pending.at("REQUESTER_REPLIED", 200, channel="email"), 200, "open")
    t["C-PENDING-REPLY"] = (
        pending.at("REQUESTER_REPLIED", 210, channel="email")
        .at("AGENT_REPLIED", 260, **AGENT)
        .at("AGENT_REPLIED", 270, **AGENT)
        .at("RESOLVED", 300, **AGENT)
    )
    on_hold = _status(_ticket("C-ON-HOLD").at("AGENT_REPLIED", 10, **AGENT), 11, "on_hold", "ana")
    t["C-ON-HOLD"] = (
        _status(on_hold, 600, "open", "ana")
        .at("AGENT_REPLIED", 610, **AGENT)
        .at("RESOLVED", 620, **AGENT)
    )
    t["C-REASSIGNED"] = (
        _ticket("C-REASSIGNED")
        .at("REASSIGNED", 40, agent="bo", team="storage", from_team="compute", reason="disks")
        .at("AGENT_REPLIED", 60, agent="bo", team="storage")
        .at("RESOLVED", 70, agent="bo", team="storage")
    )
    t["C-REOPEN"] = (
        _ticket("C-REOPEN")
        .at("AGENT_REPLIED", 20, **AGENT)
        .at("RESOLVED", 25, **AGENT)
        .at("REQUESTER_REPLIED", 1000, channel="email")
        .at("REOPENED", 1000)
        .at("AGENT_REPLIED", 1100, **AGENT)
        .at("RESOLVED", 1200, **AGENT)
    )
    # still pending at as_of: the agent wait keeps growing over the weekend
    t["C-STILL-PENDING"] = _pending(
        _ticket("C-STILL-PENDING", FRIDAY_LATE).at("AGENT_REPLIED", 20, **AGENT), 20
    )
    # Friday 16:30 -> Monday 10:00: the first reply waits over the weekend
    t["C-WEEKEND"] = (
        _ticket("C-WEEKEND", FRIDAY_LATE)
        .at("AGENT_REPLIED", 3930, **AGENT)
        .at("RESOLVED", 3940, **AGENT)
    )
    # Wednesday 16:00 -> Thursday 09:30 overnight; the requester's answer is still unanswered
    overnight = _pending(
        _ticket("C-OVERNIGHT", WEDNESDAY_LATE).at("AGENT_REPLIED", 1050, **AGENT), 1051
    )
    t["C-OVERNIGHT"] = _status(overnight.at("REQUESTER_REPLIED", 1300, channel="web"), 1300, "open")
    t["C-NEW"] = Ticket("C-NEW", "NORMAL", FRIDAY_LATE).answered()
    t["C-NO-EVENTS"] = Ticket("C-NO-EVENTS", "NORMAL", TUESDAY)
    return t


def _business(start: datetime, end: datetime) -> float:
    return business_minutes(start, end, timezone=TIMEZONE, holidays=seed_holidays())


@pytest.fixture
def built(dbt_warehouse: DbtWarehouse) -> DbtWarehouse:
    load_tickets(dbt_warehouse, conversation_tickets().values())
    dbt_warehouse.dbt("seed", variables=VARIABLES)
    dbt_warehouse.dbt("run", "--select", SELECTION, variables=VARIABLES)
    dbt_warehouse.dbt("test", "--select", *TESTED.split(), variables=VARIABLES)
    return dbt_warehouse


@pytest.mark.dbt
def test_conversation_marts_match_the_reference(built: DbtWarehouse) -> None:
    tickets = conversation_tickets()
    check_status_intervals(built, tickets)


def check_status_intervals(warehouse: DbtWarehouse, tickets: dict[str, Ticket]) -> None:
    rows: dict[str, list[dict]] = {}
    for row in warehouse.records("intermediate.int_ticket_status_intervals"):
        rows.setdefault(row["ticket_id"], []).append(row)
    assert set(rows) == set(tickets) - {"C-NO-EVENTS"}
    for ticket_id, actual in rows.items():
        actual.sort(key=lambda row: row["interval_number"])
        expected = status_intervals(tickets[ticket_id], AS_OF)
        assert [r["status"] for r in actual] == [e.status for e in expected], ticket_id
        for row, interval in zip(actual, expected, strict=True):
            label = f"{ticket_id} #{row['interval_number']} {interval.status}"
            assert row["started_at"] == interval.started_at, label
            assert row["ended_at"] == interval.ended_at, label
            assert row["is_current"] == (interval.ended_at is None), label
            assert row["calendar_minutes"] == pytest.approx(
                calendar_minutes(interval.started_at, interval.measured_until), abs=1e-3
            ), label
            assert row["business_minutes"] == pytest.approx(
                _business(interval.started_at, interval.measured_until), abs=1e-3
            ), label
    by_hand = [r["status"] for r in rows["C-TWO-TOUCH"]]
    assert by_hand == ["new", "open", "pending", "open", "solved"]
    assert [r["status"] for r in rows["C-REOPEN"]] == ["new", "open", "solved", "open", "solved"]
    still = rows["C-STILL-PENDING"][-1]
    assert (still["status"], still["is_current"], still["measured_until"]) == (
        "pending",
        True,
        AS_OF,
    )
    # Friday 16:50 -> Tuesday 08:00 in New York: 10 minutes on Friday, 8 hours on Monday
    assert still["business_minutes"] == pytest.approx(490, abs=1e-3)
    reassigned = rows["C-REASSIGNED"]
    assert [(r["status"], r["owner_team"]) for r in reassigned] == [
        ("new", None),
        ("open", "compute"),
        ("solved", "storage"),
    ]
