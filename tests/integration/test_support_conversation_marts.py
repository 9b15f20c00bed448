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

import statistics
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from helpers.business_time import business_minutes, calendar_minutes, seed_holidays
from helpers.dbt_warehouse import DbtWarehouse, dbt_env
from helpers.support_rows import (
    Ticket,
    conversation_reference,
    load_tickets,
    reply_waits,
    status_intervals,
)

from ticket_platform.warehouse.postgres_engine import postgres_session

TIMEZONE = "America/New_York"
AS_OF = datetime(2025, 8, 19, 12, 0)  # Tuesday 08:00 in New York, before opening
VARIABLES = {"business_timezone": TIMEZONE, "as_of": AS_OF.isoformat(sep=" ")}
SELECTION = "+path:models/marts/support +int_ticket_status_intervals"
# Data tests run on these models only: the scenario is about them (other models' tests belong
# to their own scenarios, e.g. test_support_marts.py).
TESTED = (
    "int_ticket_status_intervals ticket_reply_times ticket_conversation_metrics"
    " ticket_metrics ticket_summary ticket_breakdowns"
)
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


def build(warehouse: DbtWarehouse) -> DbtWarehouse:
    """The scenario's raw rows loaded and the marts built, their data tests run."""
    load_tickets(warehouse, conversation_tickets().values())
    warehouse.dbt("seed", variables=VARIABLES)
    warehouse.dbt("run", "--select", SELECTION, variables=VARIABLES)
    warehouse.dbt("test", "--select", *TESTED.split(), variables=VARIABLES)
    return warehouse


def check_marts(warehouse: DbtWarehouse) -> None:
    """Every mart of the scenario against the Python reference."""
    tickets = conversation_tickets()
    check_status_intervals(warehouse, tickets)
    check_reply_times(warehouse, tickets)
    expected = {
        ticket_id: conversation_reference(ticket, AS_OF, _business)
        for ticket_id, ticket in tickets.items()
        if ticket.events
    }
    check_conversation_metrics(warehouse, expected)
    check_ticket_metrics(warehouse, expected)
    check_summary(warehouse, expected)


@pytest.mark.dbt
def test_conversation_marts_match_the_reference(dbt_warehouse: DbtWarehouse) -> None:
    check_marts(build(dbt_warehouse))


LATER = {**VARIABLES, "as_of": "2025-08-20 12:00:00"}  # a day later: Wednesday 08:00


def _by_ticket(warehouse: DbtWarehouse) -> dict[str, dict[str, Any]]:
    rows = warehouse.records("marts.ticket_metrics")
    rounded = [{k: round(v, 6) if isinstance(v, float) else v for k, v in r.items()} for r in rows]
    return {row["ticket_id"]: row for row in rounded}


@pytest.mark.dbt
def test_incremental_ticket_metrics_keep_open_waits_growing(dbt_warehouse: DbtWarehouse) -> None:
    """An incremental build a day later re-measures the unsolved tickets' waits (their clocks
    run) and equals a full refresh; so does one over a table that predates the wait columns."""
    before = _by_ticket(build(dbt_warehouse))
    dbt_warehouse.dbt("run", "--select", "+ticket_metrics", variables=LATER)
    later = _by_ticket(dbt_warehouse)
    pending, solved = later["C-STILL-PENDING"], later["C-ONE-TOUCH"]
    assert pending["agent_wait_business_minutes"] == pytest.approx(490 + 480)
    assert pending["agent_wait_calendar_minutes"] == pytest.approx(
        before["C-STILL-PENDING"]["agent_wait_calendar_minutes"] + 24 * 60
    )
    assert later["C-OVERNIGHT"]["requester_wait_business_minutes"] == pytest.approx(
        before["C-OVERNIGHT"]["requester_wait_business_minutes"] + 480
    )
    assert solved == before["C-ONE-TOUCH"]
    # a table built before the conversation columns: the next run re-builds every ticket
    with dbt_warehouse.connect() as session:
        session.begin()
        for column in ("has_open_wait_clock", "agent_reply_count"):
            session.execute(f"alter table marts.ticket_metrics drop column {column}")
        session.execute("update marts.ticket_metrics set requester_wait_business_minutes = -1")
        session.commit()
    dbt_warehouse.dbt("run", "--select", "ticket_metrics", variables=LATER)
    upgraded = _by_ticket(dbt_warehouse)
    dbt_warehouse.dbt("run", "--select", "ticket_metrics", "--full-refresh", variables=LATER)
    assert upgraded == later == _by_ticket(dbt_warehouse)


@pytest.mark.dbt
@pytest.mark.postgres
def test_conversation_marts_on_redshift_match_the_reference(tmp_path: Path) -> None:
    """The same through dbt-redshift and the Redshift harness (MEDIAN windows, CONVERT_TIMEZONE)."""
    import psycopg2
    from redshift_harness import reachable_admin_dsn, redshift_harness

    with redshift_harness(reachable_admin_dsn()) as harness:
        warehouse = DbtWarehouse(
            lambda: postgres_session(lambda: psycopg2.connect(harness.direct_dsn)),
            "prod",
            dbt_env() | harness.dbt_env(),
            tmp_path,
        )
        check_marts(build(warehouse))
        assert harness.proxy.log.refusals == []
        assert any("median(" in sql.lower() for sql in harness.proxy.log.statements)


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


def check_reply_times(warehouse: DbtWarehouse, tickets: dict[str, Ticket]) -> None:
    rows = {
        (r["ticket_id"], r["reply_number"]): r
        for r in warehouse.records("marts.ticket_reply_times")
    }
    expected = {
        (t, w.reply_number): w for t, ticket in tickets.items() for w in reply_waits(ticket)
    }
    assert rows.keys() == expected.keys()
    for key, wait in expected.items():
        row, until = rows[key], wait.replied_at or AS_OF
        assert row["requester_message_at"] == wait.message_at, key
        assert row["agent_replied_at"] == wait.replied_at, key
        assert row["is_answered"] == (wait.replied_at is not None), key
        assert row["follow_up_message_count"] == wait.follow_ups, key
        assert row["elapsed_calendar_minutes"] == pytest.approx(
            calendar_minutes(wait.message_at, until), abs=1e-3
        ), key
        assert row["elapsed_business_minutes"] == pytest.approx(
            _business(wait.message_at, until), abs=1e-3
        ), key
    # by hand: Friday 16:30 -> Monday 10:00 in New York is 30 + 60 business minutes
    weekend = rows[("C-WEEKEND", 1)]
    assert (weekend["reply_calendar_minutes"], weekend["reply_business_minutes"]) == pytest.approx(
        (3930, 90)
    )
    # two requester messages, one wait of 60 minutes (13:20 -> 14:20 in New York)
    pending = rows[("C-PENDING-REPLY", 2)]
    assert (pending["follow_up_message_count"], pending["reply_business_minutes"]) == (1, 60)
    assert pending["requester_message_kind"] == "requester_reply"
    # the requester's answer of Thursday 13:40 waits until as_of: 200 + 480 + 480 minutes
    unanswered = rows[("C-OVERNIGHT", 2)]
    assert not unanswered["is_answered"] and unanswered["reply_business_minutes"] is None
    assert unanswered["elapsed_business_minutes"] == pytest.approx(1160, abs=1e-3)
    assert not rows[("C-NEW", 1)]["is_answered"] and ("C-AI-ACCEPTED", 1) in rows


def _pair(row: dict[str, Any], prefix: str) -> tuple[Any, Any]:
    return row[f"{prefix}_calendar_minutes"], row[f"{prefix}_business_minutes"]


def _approx(value: Any) -> Any:
    return pytest.approx(value, abs=1e-3) if value is not None else None


def check_conversation_metrics(warehouse: DbtWarehouse, expected: dict[str, dict]) -> None:
    rows = {r["ticket_id"]: r for r in warehouse.records("marts.ticket_conversation_metrics")}
    assert rows.keys() == expected.keys()
    for ticket_id, want in expected.items():
        row = rows[ticket_id]
        for prefix in ("ai_draft", "first_agent_reply", "first_resolution", "full_resolution"):
            assert _pair(row, prefix) == tuple(map(_approx, want[prefix])), (ticket_id, prefix)
        for prefix in ("requester_wait", "agent_wait", "on_hold"):
            assert _pair(row, prefix) == tuple(map(_approx, want[prefix])), (ticket_id, prefix)
        for column in (
            "agent_reply_count",
            "internal_note_count",
            "requester_reply_count",
            "agent_touch_count",
            "reassignment_count",
            "is_solved",
            "is_ai_draft_accepted_resolution",
        ):
            assert row[column] == want[column], (ticket_id, column)
        assert row["has_open_wait_clock"] == (not want["is_solved"]), ticket_id
        touches = want["touches"]
        assert row["is_one_touch_resolution"] == (touches == 1), ticket_id
        assert row["is_two_touch_resolution"] == (touches == 2), ticket_id
        assert row["is_multi_touch_resolution"] == (touches is not None and touches > 2), ticket_id
        nexts = want["next_replies"]
        for unit, index in (("calendar", 0), ("business", 1)):
            values = [pair[index] for pair in nexts]
            median = statistics.median(values) if values else None
            largest = max(values) if values else None
            assert row[f"median_next_reply_{unit}_minutes"] == _approx(median), ticket_id
            assert row[f"max_next_reply_{unit}_minutes"] == _approx(largest), ticket_id
    # by hand
    assert _pair(rows["C-ON-HOLD"], "on_hold") == pytest.approx((589, 409))
    assert _pair(rows["C-ON-HOLD"], "requester_wait") == pytest.approx((620, 420))
    assert _pair(rows["C-TWO-TOUCH"], "agent_wait") == pytest.approx((60, 60))
    reopen = rows["C-REOPEN"]
    assert _pair(reopen, "first_resolution")[0] == pytest.approx(25)
    assert _pair(reopen, "full_resolution")[0] == pytest.approx(1200)
    assert rows["C-STILL-PENDING"]["agent_wait_business_minutes"] == pytest.approx(490)
    assert rows["C-STILL-PENDING"]["helpdesk_status"] == "pending"
    names = ("is_one_touch_resolution", "is_two_touch_resolution", "is_multi_touch_resolution")
    flags = {
        name: sorted(t for t, r in rows.items() if r[name])
        for name in (*names, "is_ai_draft_accepted_resolution")
    }
    assert flags == {
        "is_one_touch_resolution": ["C-ONE-TOUCH", "C-REASSIGNED", "C-WEEKEND"],
        "is_two_touch_resolution": ["C-ON-HOLD", "C-REOPEN", "C-TWO-TOUCH"],
        "is_multi_touch_resolution": ["C-PENDING-REPLY"],
        "is_ai_draft_accepted_resolution": ["C-AI-ACCEPTED"],
    }


def check_ticket_metrics(warehouse: DbtWarehouse, expected: dict[str, dict]) -> None:
    rows = {r["ticket_id"]: r for r in warehouse.records("marts.ticket_metrics")}
    for ticket_id, want in expected.items():
        row = rows[ticket_id]
        assert _pair(row, "first_agent_reply") == tuple(map(_approx, want["first_agent_reply"]))
        assert _pair(row, "requester_wait") == tuple(map(_approx, want["requester_wait"]))
        assert _pair(row, "full_resolution") == tuple(map(_approx, want["full_resolution"]))
        assert row["agent_touch_count"] == want["agent_touch_count"], ticket_id
        assert row["has_open_wait_clock"] == (not want["is_solved"]), ticket_id
    silent = rows["C-NO-EVENTS"]
    assert silent["helpdesk_status"] is None and silent["agent_reply_count"] == 0
    assert not silent["is_one_touch_resolution"] and not silent["has_open_wait_clock"]


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def check_summary(warehouse: DbtWarehouse, expected: dict[str, dict]) -> None:
    (summary,) = [r for r in warehouse.records("marts.ticket_summary") if r["period_order"] == 1]
    solved = [w for w in expected.values() if w["is_solved"]]
    replied = [w["first_agent_reply"] for w in expected.values() if w["first_agent_reply"][0]]
    for unit, index in (("", 0), ("_business", 1)):
        assert summary[f"median_first_agent_reply{unit}_minutes"] == _approx(
            _median([pair[index] for pair in replied])
        )
        assert summary[f"median_full_resolution{unit}_minutes"] == _approx(
            _median([w["full_resolution"][index] for w in solved])
        )
        assert summary[f"median_requester_wait{unit}_minutes"] == _approx(
            _median([w["requester_wait"][index] for w in solved])
        )
    assert summary["helpdesk_solved_count"] == len(solved) == 8
    assert summary["one_touch_resolution_rate"] == pytest.approx(3 / 8)
    assert summary["ai_draft_accepted_rate"] == pytest.approx(1 / 8)
    team = {
        r["dimension_value"]: r
        for r in warehouse.records("marts.ticket_breakdowns")
        if r["dimension"] == "priority"
    }
    assert team["NORMAL"]["helpdesk_solved_count"] == 0
    assert team["NORMAL"]["one_touch_resolution_rate"] is None
    assert team["MEDIUM"]["one_touch_resolution_rate"] == pytest.approx(3 / 8)
