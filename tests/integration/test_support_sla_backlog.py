"""The conversation SLAs, the backlog by age and the status counts on crafted tickets.

One dbt build per engine (DuckDB, PostgreSQL, and Redshift through the Redshift harness) over
hand-written tickets of April 2026 (after
the conversation policies' ``effective_from``) with business hours in America/New_York and a
pinned ``as_of``, checked against an independent Python reference:

* ``sla_events``: agent_first_reply met and breached over a weekend, on the calendar clock,
  stopped by a solve, due exactly at closing time; next_reply occurrences (a second requester
  reply does not restart the clock, a reply after a solve starts one); requester_wait paused
  while pending, counting on_hold, breached after a reopen; the due time of every clock;
* ``daily_backlog_by_age``: every day's open tickets by team, priority, age bucket and status;
* ``ticket_current_state.helpdesk_status`` and ``ticket_status_counts`` at ``as_of``;
* an incremental build after the second half of the events arrived equals a full refresh.

The reference walks the events in Python (``helpers.support_rows``) and measures time with
``helpers.business_time``, which works in UTC instants, not wall-clock times.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import psycopg2
import pytest
from helpers.business_time import business_minutes, calendar_minutes, seed_holidays
from helpers.dbt_warehouse import DbtWarehouse, dbt_env
from helpers.support_rows import (
    EVENT_STAGING_COLUMNS,
    EVENTS_TABLE,
    LOADED_AT,
    STAGING_COLUMNS,
    TICKETS_TABLE,
    StatusInterval,
    Ticket,
    event_rows,
    load_tickets,
    ordered_events,
    status_intervals,
    ticket_row,
)
from redshift_harness import reachable_admin_dsn, redshift_harness

from ticket_platform.transform.project import DBT_PROJECT_DIR
from ticket_platform.warehouse.postgres_engine import postgres_session

TIMEZONE = "America/New_York"
AS_OF = datetime(2026, 4, 15, 16, 0)  # Wednesday 12:00 in New York
VARIABLES = {"business_timezone": TIMEZONE, "as_of": AS_OF.isoformat(sep=" ")}
SELECTION = "+path:models/marts/lifecycle +path:models/marts/support"
# the data tests of the models this file covers (and of the seed they read)
TESTED = (
    "sla_policies",
    "ticket_current_state",
    "sla_events",
    "daily_backlog",
    "daily_backlog_by_age",
    "ticket_status_counts",
)
WAITING = ("new", "open", "on_hold")
REPLY_STOPS = ("AGENT_REPLIED", "RESOLVED")


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _policies() -> dict[tuple[str, str], tuple[int, str, date]]:
    with (DBT_PROJECT_DIR / "seeds" / "sla_policies.csv").open(encoding="utf-8") as handle:
        return {
            (row["priority"], row["metric"]): (
                int(row["target_minutes"]),
                row["clock"],
                date.fromisoformat(row["effective_from"]),
            )
            for row in csv.DictReader(handle)
        }


def _owning_teams() -> dict[str, str]:
    with (DBT_PROJECT_DIR / "seeds" / "product_teams.csv").open(encoding="utf-8") as handle:
        return {row["product"]: row["team"] for row in csv.DictReader(handle)}


POLICIES = _policies()
HOLIDAYS = seed_holidays()


def scenario() -> dict[str, Ticket]:
    """Times in UTC; New York is UTC-4 in April (business hours 13:00-21:00 UTC)."""
    t: dict[str, Ticket] = {}

    def ticket(name: str, priority: str, submitted: str, product: str = "Amazon EC2") -> Ticket:
        t[name] = Ticket(name, priority, _utc(submitted), product=product)
        return t[name]

    def minutes(name: str, when: str) -> float:
        return (_utc(when) - t[name].submitted_at).total_seconds() / 60

    # agent_first_reply (MEDIUM: 240 business minutes)
    # Friday 15:00 EDT -> Monday 10:30 EDT: 2 h + 1.5 h, met
    ticket("A-MET-WEEKEND", "MEDIUM", "2026-04-10 19:00:00").answered().at(
        "ASSIGNED", 5, agent="Ana", team="compute"
    ).at("AGENT_REPLIED", minutes("A-MET-WEEKEND", "2026-04-13 14:30:00"), agent="Ana")
    # Friday 16:00 EDT -> Monday 13:30 EDT: 1 h + 4.5 h, breached by 90
    ticket("A-BREACH-WEEKEND", "MEDIUM", "2026-04-10 20:00:00").answered().at(
        "ASSIGNED", 5, agent="Ana", team="compute"
    ).at("AGENT_REPLIED", minutes("A-BREACH-WEEKEND", "2026-04-13 17:30:00"), agent="Ana")
    # HIGH on the calendar clock: a Saturday reply after 90 minutes breaches 60
    ticket("A-HIGH", "HIGH", "2026-04-11 10:00:00").answered().at(
        "ASSIGNED", 5, agent="Bo", team="compute"
    ).at("AGENT_REPLIED", 90, agent="Bo").at("RESOLVED", 120, agent="Bo")
    # solved without any reply: the solve stops the clock
    ticket("A-SOLVED-NO-REPLY", "NORMAL", "2026-04-13 14:00:00").answered().at(
        "ASSIGNED", 10, agent="Bo", team="compute"
    ).at("RESOLVED", 120, agent="Bo")
    # never replied: Tuesday 09:00 EDT + 480 business minutes is due at closing, 17:00 EDT
    ticket("A-OPEN", "NORMAL", "2026-04-14 13:00:00").answered().at(
        "ASSIGNED", 5, agent="Cy", team="compute"
    )
    # next_reply (MEDIUM: 480 business minutes), three occurrences
    n = ticket("N-CONVERSATION", "MEDIUM", "2026-04-13 13:30:00", product="Amazon S3")
    n.answered().at("ASSIGNED", 10, agent="Di", team="storage")
    n.at("AGENT_REPLIED", 30, agent="Di").at("REQUESTER_REPLIED", 60, channel="email")
    n.at("REQUESTER_REPLIED", 90, channel="web").at("AGENT_REPLIED", 150, agent="Di")
    n.at("STATUS_CHANGED", 151, status="pending", agent="Di")
    n.at("REQUESTER_REPLIED", 300).at("STATUS_CHANGED", 300, status="open", agent=None)
    n.at("AGENT_REPLIED", minutes("N-CONVERSATION", "2026-04-14 17:00:00"), agent="Di")
    n.at("RESOLVED", minutes("N-CONVERSATION", "2026-04-14 18:00:00"), agent="Di")
    n.at("REQUESTER_REPLIED", minutes("N-CONVERSATION", "2026-04-14 19:00:00"))
    n.at("REOPENED", minutes("N-CONVERSATION", "2026-04-14 19:00:00"))
    # requester_wait: pending from Monday 11:00 to Tuesday 09:00 EDT does not count
    w = ticket("W-PENDING", "NORMAL", "2026-04-06 13:00:00")
    w.answered().at("ASSIGNED", 60, agent="Ed", team="compute").at("AGENT_REPLIED", 120, agent="Ed")
    w.at("STATUS_CHANGED", 120, status="pending", agent="Ed")
    w.at("REQUESTER_REPLIED", 1440).at("STATUS_CHANGED", 1440, status="open", agent=None)
    w.at("RESOLVED", 1680, agent="Ed")
    # HIGH, calendar clock: 60 + 200 minutes waiting, breached 80; a reply exactly on target
    w = ticket("W-BREACH", "HIGH", "2026-04-11 10:00:00")
    w.answered().at("ASSIGNED", 5, agent="Ed", team="compute").at("AGENT_REPLIED", 60, agent="Ed")
    w.at("STATUS_CHANGED", 60, status="pending", agent="Ed")
    w.at("REQUESTER_REPLIED", 600).at("STATUS_CHANGED", 600, status="open", agent=None)
    w.at("AGENT_REPLIED", 650, agent="Ed").at("RESOLVED", 800, agent="Ed")
    # on_hold counts as waiting
    w = ticket("W-HOLD", "HIGH", "2026-04-12 10:00:00")
    w.answered().at("ASSIGNED", 5, agent="Fa", team="compute")
    w.at("STATUS_CHANGED", 30, status="on_hold", agent="Fa", reason="AWS service team")
    w.at("STATUS_CHANGED", 130, status="open", agent="Fa").at("AGENT_REPLIED", 140, agent="Fa")
    w.at("RESOLVED", 150, agent="Fa")
    # pending now: the wait is paused, no due time
    w = ticket("W-PENDING-NOW", "MEDIUM", "2026-04-14 13:00:00")
    w.answered().at("ASSIGNED", 30, agent="Fa", team="compute").at("AGENT_REPLIED", 60, agent="Fa")
    w.at("STATUS_CHANGED", 60, status="pending", agent="Fa")
    w.at("STATUS_CHANGED", 61, status="pending", agent="Fa")  # to the status it has: no change
    # on hold now, reassigned to networking
    h = ticket("H-ON-HOLD", "HIGH", "2026-04-14 20:00:00", product="Amazon VPC")
    h.answered().at("ASSIGNED", 5, agent="Gu", team="compute")
    h.at("REASSIGNED", 20, agent="Ha", team="networking", from_team="compute")
    h.at("STATUS_CHANGED", 40, status="on_hold", agent="Ha")
    # before the conversation policies took effect: first_response and resolution only; open
    # for months (over 14 days old), reassigned
    old = ticket("OLD-2025", "NORMAL", "2025-12-31 15:00:00")
    old.answered().at("ASSIGNED", 60, agent="Io", team="compute").at("AGENT_REPLIED", 90)
    old.at("REASSIGNED", 2000, agent="Ju", team="networking", from_team="compute")
    # new: no events at all, and answered by the workflow only
    ticket("NEW-NO-EVENTS", "NORMAL", "2026-04-15 12:00:00", product="Amazon S3")
    ticket("NEW-ANSWERED", "MEDIUM", "2026-04-13 02:00:00").answered()
    return t


def build(warehouse: DbtWarehouse) -> DbtWarehouse:
    load_tickets(warehouse, scenario().values())
    warehouse.dbt("seed", variables=VARIABLES)
    warehouse.dbt("run", "--select", SELECTION, variables=VARIABLES)
    warehouse.dbt("test", "--select", *TESTED, variables=VARIABLES)
    return warehouse


@pytest.fixture
def built(dbt_warehouse: DbtWarehouse) -> DbtWarehouse:
    return build(dbt_warehouse)


# --------------------------------------------------------------------------------------------
# The Python reference
# --------------------------------------------------------------------------------------------
def business_due(start: datetime, target: float) -> datetime:
    """The instant `target` business minutes after `start` (naive UTC), walking UTC windows."""
    zone = ZoneInfo(TIMEZONE)
    moment = start.replace(tzinfo=UTC)
    remaining = timedelta(minutes=target)
    day = moment.astimezone(zone).date()
    while True:
        if day.isoweekday() <= 5 and day not in HOLIDAYS:
            opens = datetime.combine(day, time(9), zone).astimezone(UTC)
            closes = datetime.combine(day, time(17), zone).astimezone(UTC)
            begin = max(moment, opens)
            if closes > begin:
                if remaining <= closes - begin:
                    return (begin + remaining).replace(tzinfo=None)
                remaining -= closes - begin
        day += timedelta(days=1)


def on_clock(clock: str, start: datetime, end: datetime) -> float:
    if clock == "calendar":
        return calendar_minutes(start, end)
    return business_minutes(start, end, timezone=TIMEZONE, holidays=HOLIDAYS)


def due_on_clock(clock: str, start: datetime, target: float) -> datetime:
    if clock == "calendar":
        return start + timedelta(minutes=target)
    return business_due(start, target)


def final_resolution(ticket: Ticket) -> datetime | None:
    changes = [(at, m) for m, at, _ in ordered_events(ticket) if m in ("RESOLVED", "REOPENED")]
    return changes[-1][0] if changes and changes[-1][1] == "RESOLVED" else None


def reply_clocks(ticket: Ticket) -> list[tuple[str, datetime, datetime | None, str | None]]:
    """(metric, started, stopped, stopped by) of agent_first_reply and each next_reply."""
    events = [
        (m, at) for m, at, _ in ordered_events(ticket) if m in (*REPLY_STOPS, "REQUESTER_REPLIED")
    ]
    first = next(((at, m) for m, at in events if m in REPLY_STOPS), (None, None))
    clocks = [("agent_first_reply", ticket.submitted_at, *first)]
    for number, (milestone, at) in enumerate(events):
        if milestone == "REQUESTER_REPLIED" and number and events[number - 1][0] in REPLY_STOPS:
            stop = next(((s, m) for m, s in events[number + 1 :] if m in REPLY_STOPS), (None, None))
            clocks.append(("next_reply", at, *stop))
    return clocks


def expected_wait(ticket: Ticket, target: int, clock: str) -> tuple[float, float, datetime | None]:
    """Calendar and business minutes waiting (new, open, on_hold) and the due time."""
    intervals = status_intervals(ticket, AS_OF) or [  # no events yet: new since submission
        StatusInterval("new", ticket.submitted_at, None, AS_OF)
    ]
    waiting = [i for i in intervals if i.status in WAITING]
    calendar = sum(calendar_minutes(i.started_at, i.measured_until) for i in waiting)
    business = sum(
        business_minutes(i.started_at, i.measured_until, timezone=TIMEZONE, holidays=HOLIDAYS)
        for i in waiting
    )
    due, before = None, 0.0
    for interval in waiting:
        minutes = on_clock(clock, interval.started_at, interval.measured_until)
        if before < target and (target <= before + minutes or interval.ended_at is None):
            due = due_on_clock(clock, interval.started_at, target - before)
        before += minutes
    return calendar, business, due


def expected_sla_rows(tickets: dict[str, Ticket]) -> dict[tuple[str, str, int], dict]:
    rows = {}
    for ticket in tickets.values():
        clocks = [
            (metric, ticket.submitted_at, stop, by)
            for metric, stop, by in (
                ("first_response", ticket_first_response(ticket), first_response_by(ticket)),
                ("resolution", final_resolution(ticket), "RESOLVED"),
                ("requester_wait", final_resolution(ticket), "RESOLVED"),
            )
        ] + reply_clocks(ticket)
        occurrences: Counter[str] = Counter()
        for metric, started, stopped, by in clocks:
            target, clock, effective_from = POLICIES[(ticket.priority, metric)]
            if ticket.submitted_at.date() < effective_from:
                continue
            occurrences[metric] += 1
            until = stopped or AS_OF
            calendar = calendar_minutes(started, until)
            business = business_minutes(started, until, timezone=TIMEZONE, holidays=HOLIDAYS)
            due = due_on_clock(clock, started, target)
            if metric == "requester_wait":
                calendar, business, due = expected_wait(ticket, target, clock)
            elapsed = business if clock == "business" else calendar
            rows[(ticket.ticket_id, metric, occurrences[metric])] = {
                "started_at": started,
                "achieved_at": stopped,
                "achieved_by": by if stopped else None,
                "elapsed_calendar_minutes": calendar,
                "elapsed_business_minutes": business,
                "is_breached": elapsed > target,
                "breach_minutes": max(0.0, elapsed - target),
                "due_at": due,
            }
    return rows


def first_response_by(ticket: Ticket) -> str:
    has_draft = any(m == "RESPONSE_GENERATED" for m, _, _ in ticket.events)
    return "RESPONSE_GENERATED" if has_draft else "PROCESSED"


def ticket_first_response(ticket: Ticket) -> datetime:
    responses = [at for m, at, _ in ticket.events if m == "RESPONSE_GENERATED"]
    return min(responses) if responses else ticket.processed_at


def state_at(ticket: Ticket, until: datetime) -> tuple[str, str]:
    """Help-desk status and holding team after the events before `until`."""
    status, team = "new", _owning_teams().get(ticket.product, "general support")
    for milestone, at, data in ordered_events(ticket):
        if at >= until:
            break
        if milestone == "STATUS_CHANGED":
            status = data["status"]
        elif milestone in ("ASSIGNED", "REOPENED", "RESOLVED"):
            status = "solved" if milestone == "RESOLVED" else "open"
        if milestone in ("ASSIGNED", "REASSIGNED"):
            team = data["team"]
    return status, team


def age_bucket(minutes: float) -> str:
    days = minutes / 1440
    return (
        "<1d"
        if days < 1
        else "1-3d"
        if days < 3
        else "3-7d"
        if days < 7
        else ("7-14d" if days < 14 else ">14d")
    )


def expected_backlog(tickets: dict[str, Ticket]) -> dict[tuple, Counter]:
    first = min(t.submitted_at.date() for t in tickets.values())
    backlog: dict[tuple, Counter] = {}
    for offset in range((AS_OF.date() - first).days + 1):
        day = first + timedelta(days=offset)
        end = datetime.combine(day + timedelta(days=1), time())
        for ticket in tickets.values():
            status, team = state_at(ticket, end)
            if ticket.submitted_at.date() > day or status == "solved":
                continue
            bucket = age_bucket(calendar_minutes(ticket.submitted_at, min(end, AS_OF)))
            backlog.setdefault((day, team, ticket.priority, bucket), Counter())[status] += 1
    return backlog


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------
@pytest.mark.dbt
def test_sla_backlog_and_status_marts_match_the_reference(built: DbtWarehouse) -> None:
    tickets = scenario()
    check_sla_events(built, tickets)
    check_backlog_by_age(built, tickets)
    check_status(built, tickets)


@pytest.mark.dbt
@pytest.mark.postgres
def test_sla_backlog_and_status_marts_on_redshift(tmp_path) -> None:
    """The same build through dbt-redshift and the Redshift harness (nothing refused)."""
    with redshift_harness(reachable_admin_dsn()) as harness:
        warehouse = DbtWarehouse(
            lambda: postgres_session(lambda: psycopg2.connect(harness.direct_dsn)),
            "prod",
            dbt_env() | harness.dbt_env(),
            tmp_path,
        )
        build(warehouse)
        assert harness.proxy.log.refusals == []
        tickets = scenario()
        check_sla_events(warehouse, tickets)
        check_backlog_by_age(warehouse, tickets)
        check_status(warehouse, tickets)


def check_sla_events(warehouse: DbtWarehouse, tickets: dict[str, Ticket]) -> None:
    rows = {
        (r["ticket_id"], r["metric"], r["occurrence_number"]): r
        for r in warehouse.records("marts.sla_events")
    }
    expected = expected_sla_rows(tickets)
    assert rows.keys() == expected.keys()
    for key, want in expected.items():
        row = rows[key]
        for column in ("elapsed_calendar_minutes", "elapsed_business_minutes", "breach_minutes"):
            assert row[column] == pytest.approx(want[column], abs=1e-3), (key, column)
        for column in ("started_at", "achieved_at", "achieved_by", "is_breached"):
            assert row[column] == want[column], (key, column)
        if want["due_at"] is None:
            assert row["due_at"] is None, key
        else:
            assert abs(row["due_at"] - want["due_at"]) <= timedelta(milliseconds=1), key

    # by hand: the figures the reference must agree with
    def sla(ticket_id: str, metric: str, occurrence: int = 1) -> dict:
        return rows[(ticket_id, metric, occurrence)]

    met, breached = (
        sla("A-MET-WEEKEND", "agent_first_reply"),
        sla("A-BREACH-WEEKEND", "agent_first_reply"),
    )
    assert met["elapsed_business_minutes"] == pytest.approx(210) and met["sla_status"] == "achieved"
    assert met["due_at"] == _utc("2026-04-13 15:00:00")  # Monday 11:00 EDT
    assert breached["breach_minutes"] == pytest.approx(90) and breached["sla_status"] == "breached"
    assert breached["due_at"] == _utc("2026-04-13 16:00:00")
    assert sla("A-HIGH", "agent_first_reply")["breach_minutes"] == pytest.approx(30)
    assert sla("A-SOLVED-NO-REPLY", "agent_first_reply")["achieved_by"] == "RESOLVED"
    still_open = sla("A-OPEN", "agent_first_reply")
    assert still_open["due_at"] == _utc("2026-04-14 21:00:00")  # due at closing, 17:00 EDT
    assert (still_open["is_achieved"], still_open["sla_status"]) == (False, "breached")
    assert not sla("W-BREACH", "agent_first_reply")["is_breached"]  # exactly on target
    replies = [sla("N-CONVERSATION", "next_reply", n) for n in (1, 2, 3)]
    assert [r["elapsed_business_minutes"] for r in replies] == pytest.approx([90, 390, 300])
    assert [r["sla_status"] for r in replies] == ["achieved", "achieved", "active"]
    assert replies[2]["due_at"] == _utc("2026-04-15 19:00:00")  # Wednesday 15:00 EDT
    assert (sla("W-PENDING", "next_reply")["achieved_by"]) == "RESOLVED"
    waits = {
        t: sla(t, "requester_wait") for t in ("W-PENDING", "W-BREACH", "W-HOLD", "W-PENDING-NOW")
    }
    assert waits["W-PENDING"]["elapsed_business_minutes"] == pytest.approx(360)
    assert waits["W-BREACH"]["elapsed_calendar_minutes"] == pytest.approx(260)
    assert waits["W-BREACH"]["due_at"] == _utc("2026-04-11 22:00:00")
    assert waits["W-HOLD"]["elapsed_calendar_minutes"] == pytest.approx(150)
    assert (
        waits["W-PENDING-NOW"]["sla_status"] == "active"
        and waits["W-PENDING-NOW"]["due_at"] is None
    )
    conversation = sla("N-CONVERSATION", "requester_wait")
    assert conversation["elapsed_business_minutes"] == pytest.approx(901)
    assert conversation["due_at"] == _utc("2026-04-14 20:59:00")  # after the reopen
    assert {m for t, m, _ in rows if t == "OLD-2025"} == {"first_response", "resolution"}


def check_backlog_by_age(warehouse: DbtWarehouse, tickets: dict[str, Ticket]) -> None:
    table = {
        (r["backlog_date"], r["team"], r["priority"], r["age_bucket"]): r
        for r in warehouse.records("marts.daily_backlog_by_age")
    }
    expected = expected_backlog(tickets)
    assert table.keys() == expected.keys()
    for key, statuses in expected.items():
        row = table[key]
        assert row["backlog_count"] == sum(statuses.values()), key
        for status in ("new", "open", "pending", "on_hold"):
            assert row[f"status_{status}_count"] == statuses[status], (key, status)
    # by hand: Sunday night, the two weekend tickets (2 days old) and the old one
    sunday = {k[1:]: r["backlog_count"] for k, r in table.items() if k[0] == date(2026, 4, 12)}
    assert sunday == {("compute", "MEDIUM", "1-3d"): 2, ("networking", "NORMAL", ">14d"): 1}
    # the backlog agrees with daily_backlog's open counts
    daily = {r["backlog_date"]: r for r in warehouse.records("marts.daily_backlog")}
    for day, row in daily.items():
        for priority in ("HIGH", "MEDIUM", "NORMAL"):
            total = sum(
                r["backlog_count"] for k, r in table.items() if k[0] == day and k[2] == priority
            )
            assert total == row[f"open_{priority.lower()}_count"], (day, priority)


def check_status(warehouse: DbtWarehouse, tickets: dict[str, Ticket]) -> None:
    state = {r["ticket_id"]: r for r in warehouse.records("marts.ticket_current_state")}
    for ticket_id, ticket in tickets.items():
        if ticket.events:
            assert state[ticket_id]["helpdesk_status"] == state_at(ticket, AS_OF)[0], ticket_id
    assert state["W-PENDING-NOW"]["helpdesk_status_since"] == _utc("2026-04-14 14:00:00")
    assert state["H-ON-HOLD"]["current_team"] == "networking"
    assert state["H-ON-HOLD"]["assigned_team"] == "compute"
    assert state["N-CONVERSATION"]["status"] == "reopened"  # the lifecycle status is unchanged
    counts = {
        (r["helpdesk_status"], r["priority"], r["team"]): r["ticket_count"]
        for r in warehouse.records("marts.ticket_status_counts")
    }
    expected = Counter(
        (state_at(ticket, AS_OF)[0], ticket.priority, state_at(ticket, AS_OF)[1])
        for ticket in tickets.values()
    )
    assert counts == dict(expected)
    assert counts[("pending", "MEDIUM", "compute")] == 1
    assert counts[("on_hold", "HIGH", "networking")] == 1
    assert counts[("new", "NORMAL", "storage")] == 1  # no events: new, the product's team


@pytest.mark.dbt
def test_incremental_build_after_more_events_equals_a_full_refresh(
    dbt_warehouse: DbtWarehouse,
) -> None:
    """Half the conversations first (as of Monday noon EDT), the rest loaded a day later."""
    cut = _utc("2026-04-13 16:00:00")
    tickets = list(scenario().values())
    events = [row for ticket in tickets for row in event_rows(ticket)]
    warehouse = dbt_warehouse
    warehouse.create_sources()
    warehouse.insert(TICKETS_TABLE, STAGING_COLUMNS, [ticket_row(t) for t in tickets])
    warehouse.insert(
        EVENTS_TABLE, EVENT_STAGING_COLUMNS, [e for e in events if e["occurred_at"] < cut]
    )
    warehouse.dbt("seed", variables=VARIABLES)
    warehouse.dbt("run", "--select", SELECTION, variables=VARIABLES | {"as_of": str(cut)})
    early = {
        (r["ticket_id"], r["metric"], r["occurrence_number"]): r["is_achieved"]
        for r in warehouse.records("marts.sla_events")
    }
    later = LOADED_AT + timedelta(days=1)
    late = [e | {"_loaded_at": later} for e in events if e["occurred_at"] >= cut]
    warehouse.insert(EVENTS_TABLE, EVENT_STAGING_COLUMNS, late)
    warehouse.dbt("run", "--select", SELECTION, variables=VARIABLES)
    models = ("marts.fct_ticket_milestones", "marts.ticket_current_state", "marts.sla_events")
    incremental = {model: warehouse.rows(model) for model in models}
    warehouse.dbt("run", "--select", SELECTION, "--full-refresh", variables=VARIABLES)
    for model in models:
        assert incremental[model] == warehouse.rows(model), model
    # the late events added next-reply clocks and stopped running ones
    assert not early[("N-CONVERSATION", "next_reply", 1)]
    assert ("N-CONVERSATION", "next_reply", 2) not in early
    final = {
        (r["ticket_id"], r["metric"], r["occurrence_number"]): r["is_achieved"]
        for r in warehouse.records("marts.sla_events")
    }
    assert final.keys() == expected_sla_rows(scenario()).keys()
    assert final[("N-CONVERSATION", "next_reply", 1)]
