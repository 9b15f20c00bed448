"""Incremental dbt models give the same rows as a full refresh, on DuckDB and PostgreSQL.

Simulated tickets (the offline real-time path: workflow milestones and help-desk events) are
loaded with the platform's own loaders in three steps, as the days arrive: tickets first, their
lifecycle events over the following days (so old tickets keep changing), verdicts a step later.
After each step ``dbt run`` builds the models incrementally. The result must equal a
``--full-refresh`` build row for row; a build with nothing new must really skip old rows
(proved by editing a raw row in place), and a window build over that row's day must pick it up.

Open SLA clocks depend on the build time, so every build pins it with the ``as_of`` var; the
look-back of the watermark is 0 so that each step reads only what its load added.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from helpers.business_time import business_minutes, seed_holidays
from helpers.dbt_warehouse import DbtWarehouse

from ticket_platform.evaluation.resource import JudgeResource
from ticket_platform.evaluation.runner import evaluate
from ticket_platform.evaluation.store import partition_items, write_evaluations
from ticket_platform.ingest.events import load_event_partition
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.ingest.tickets import load_partition
from ticket_platform_demo.simulator.local_aws import SqliteTicketTable
from ticket_platform_demo.simulator.responder import TemplateResponder
from ticket_platform_demo.simulator.sentiment import default_analyzer
from ticket_platform_demo.simulator.simulate import (
    Simulator,
    end_of_day,
    simulate,
    submitted_events,
)
from ticket_platform_demo.synthetic import generate_tickets

FIRST, LAST = date(2025, 3, 3), date(2025, 3, 7)  # Monday .. Friday
EVENTS_UNTIL = date(2025, 3, 14)
AS_OF = "2025-03-14 23:59:59"
INCREMENTAL_VARS = {"as_of": AS_OF, "incremental_lookback_hours": 0}
MODELS = (
    "staging.stg_tickets",
    "staging.stg_ticket_events",
    "marts.fct_ticket_milestones",
    "marts.ticket_current_state",
    "marts.sla_events",
    "marts.ticket_metrics",
    "marts.daily_backlog",
    "marts.ticket_summary",
    "marts.ticket_breakdowns",
)
SELECTION = "+path:models/marts/lifecycle +path:models/marts/support"


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# Each step: ticket days, event days, evaluated ticket days (loaded in that order).
STEPS: list[tuple[list[date], list[date], list[date]]] = [
    (_days(FIRST, date(2025, 3, 5)), _days(FIRST, date(2025, 3, 5)), []),
    (
        [date(2025, 3, 6), LAST],
        _days(date(2025, 3, 6), date(2025, 3, 9)),
        _days(FIRST, date(2025, 3, 5)),
    ),
    ([], _days(date(2025, 3, 10), EVENTS_UNTIL), [date(2025, 3, 6), LAST]),
]


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> LocalLanding:
    """160 simulated tickets of one week and their lifecycle events up to a week later."""
    tmp_path = tmp_path_factory.mktemp("incremental")
    lake = LocalLanding(tmp_path / "landing")
    table = SqliteTicketTable(tmp_path / "lifecycle.sqlite")
    simulator = Simulator(
        lake,
        table,
        analyzer=default_analyzer(),
        responder=TemplateResponder(),
        seed=23,
        now=end_of_day(EVENTS_UNTIL),
        run_tag="s23-inc",
    )
    simulate(simulator, submitted_events(generate_tickets(160, 23, FIRST, LAST)), chunk=80)
    table.close()
    return lake


def snapshot(warehouse: DbtWarehouse) -> dict[str, list[tuple]]:
    return {relation: warehouse.rows(relation) for relation in MODELS}


def build(warehouse: DbtWarehouse, *args: str, **variables: str) -> None:
    warehouse.dbt("run", "--select", SELECTION, *args, variables=INCREMENTAL_VARS | variables)


def load_step(
    warehouse: DbtWarehouse,
    landing: LocalLanding,
    ticket_days: list[date],
    event_days: list[date],
    judged_days: list[date],
) -> None:
    judge = JudgeResource(kind="rules").build()
    with warehouse.connect() as session:
        for day in ticket_days:
            load_partition(landing, session, day)
        for day in event_days:
            load_event_partition(landing, session, day)
        for day in judged_days:
            run = evaluate(partition_items(session, day), judge, partition_date=day)
            write_evaluations(session, run.rows)


def test_incremental_builds_equal_a_full_refresh_and_skip_old_rows(
    dbt_warehouse: DbtWarehouse, landing: LocalLanding
) -> None:
    warehouse = dbt_warehouse
    warehouse.create_sources()
    for number, (ticket_days, event_days, judged_days) in enumerate(STEPS):
        load_step(warehouse, landing, ticket_days, event_days, judged_days)
        if number == 0:  # the seeds too
            warehouse.dbt("build", "--exclude", "resource_type:test", variables=INCREMENTAL_VARS)
        else:
            build(warehouse)
    incremental = snapshot(warehouse)

    assert len(incremental["marts.ticket_metrics"]) == 160
    assert len(incremental["marts.fct_ticket_milestones"]) > 160 * 6
    assert len(incremental["marts.sla_events"]) == 320

    build(warehouse, "--full-refresh")
    full = snapshot(warehouse)
    for relation in MODELS:
        assert incremental[relation] == full[relation], f"{relation} differs after full refresh"

    # The business clock (defaults: 09:00-17:00 UTC, Monday to Friday) agrees with the reference.
    holidays = seed_holidays()
    for row in warehouse.records("marts.sla_events"):
        expected = business_minutes(row["started_at"], row["measured_until"], holidays=holidays)
        assert row["elapsed_business_minutes"] == pytest.approx(expected, abs=1e-3), row

    # Nothing new: a build must not re-read rows loaded before its watermark, which shows
    # once a raw row is edited in place (same _loaded_at); a window over its day re-reads it.
    with warehouse.connect() as session:
        # a ticket whose SLA clocks have both stopped: nothing makes a build revisit it
        ticket_id, day = session.query(
            "select ticket_id, partition_date from marts.ticket_metrics "
            "where not has_open_sla_clock order by ticket_id limit 1"
        )[0]
        session.begin()
        session.execute(
            f"update raw.tickets set product = 'Edited In Place' where ticket_id = {session.param}",
            [ticket_id],
        )
        session.commit()

    def product() -> str:
        with warehouse.connect() as session:
            return session.query(
                f"select product from marts.ticket_metrics where ticket_id = {session.param}",
                [ticket_id],
            )[0][0]

    before = product()
    build(warehouse)
    assert product() == before  # the row was loaded before the watermark: not re-read
    build(warehouse, ticket_window_start=str(day), ticket_window_end=str(day + timedelta(days=1)))
    assert product() == "Edited In Place"
    # the window re-built only what it had to: every other ticket is as the full refresh left it
    others = [row for row in warehouse.rows("marts.ticket_metrics") if row[0] != ticket_id]
    assert others == [row for row in full["marts.ticket_metrics"] if row[0] != ticket_id]
