"""The dbt ``prod`` (Redshift) target, executed: dbt-redshift through the Redshift harness.

``tests/redshift_harness`` runs the real dbt-redshift adapter and redshift_connector against the
test PostgreSQL server through a wire-protocol proxy that bridges what PostgreSQL lacks (shims)
and refuses what Redshift refuses (docs/redshift-harness.md). Two builds:

* ``dbt build --target prod`` of the whole project (seeds, models, data tests and the unit
  tests that can run on Redshift) over the 100 sample tickets and their evaluations, as
  ``test_dbt_project.py`` does on DuckDB and PostgreSQL, with the same checks of the marts'
  values against Python;
* the lifecycle and support marts over the hand-written scenario of ``test_support_marts.py``
  (business hours in America/New_York across DST, so CONVERT_TIMEZONE and DATEDIFF matter), with
  its reference checks, including the medians of ``ticket_summary`` that Redshift computes
  differently (macros/support_kpis.sql).

Both skip when TICKET_TEST_POSTGRES_DSN is unset or its server is unreachable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest
import test_support_marts as support
from helpers.dbt_fixtures import (
    create_routing_sources_postgres,
    evaluation_records,
    load_evaluations_postgres,
    load_raw_tickets_postgres,
    raw_rows,
    read_fixture_tickets,
    run_dbt,
    with_sla_scenarios,
)
from helpers.dbt_warehouse import DbtWarehouse, dbt_env
from helpers.expected_marts import (
    check_evaluation_marts,
    check_marts,
    fetch_evaluation_marts,
    fetch_marts,
)
from psycopg2.extensions import parse_dsn
from redshift_harness import Harness, reachable_admin_dsn, redshift_harness

from ticket_platform.warehouse.postgres_engine import postgres_session

pytestmark = [pytest.mark.dbt, pytest.mark.postgres]

# Unit tests that cannot run on Redshift (disabled there in their yml, with the reason).
NOT_ON_REDSHIFT = {"test_daily_ticket_volume_counts_and_median"}


@pytest.fixture
def harness() -> Iterator[Harness]:
    """A fresh harness (database + proxy) per test: each build owns its schemas."""
    with redshift_harness(reachable_admin_dsn()) as running:
        yield running


def _results(work_dir: Path) -> dict[str, dict[str, Any]]:
    """run_results.json of the last dbt command, by unique_id."""
    payload = json.loads((work_dir / "target" / "run_results.json").read_text(encoding="utf-8"))
    return {result["unique_id"]: result for result in payload["results"]}


def test_dbt_build_prod_target_through_the_harness(tmp_path: Path, harness: Harness) -> None:
    tickets = with_sla_scenarios(read_fixture_tickets())
    evaluations = evaluation_records(tickets)
    direct = parse_dsn(harness.direct_dsn)
    load_raw_tickets_postgres(direct, raw_rows(tickets))
    load_evaluations_postgres(direct, evaluations)
    create_routing_sources_postgres(direct)

    run_dbt(["build", "--target", "prod"], dbt_env() | harness.dbt_env(), tmp_path)

    # The real dbt-redshift adapter ran every node, and nothing was refused or skipped.
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["metadata"]["adapter_type"] == "redshift"
    results = _results(tmp_path)
    statuses = {r["status"] for uid, r in results.items() if not uid.startswith("exposure.")}
    assert statuses <= {"success", "pass"}, statuses
    kinds = {uid.split(".")[0] for uid in results}
    assert {"seed", "model", "test", "unit_test"} <= kinds
    unit_tests = {uid.rsplit(".", 1)[-1] for uid in results if uid.startswith("unit_test.")}
    assert unit_tests and not unit_tests & NOT_ON_REDSHIFT
    assert "model.ticket_platform.daily_ticket_volume" in results
    assert "model.ticket_platform.ticket_summary" in results
    assert "model.ticket_platform.ticket_breakdowns" in results
    assert harness.proxy.log.refusals == []
    # The statements went through the proxy (the medians are Redshift's MEDIAN).
    assert any("median(" in sql.lower() for sql in harness.proxy.log.statements)

    # A second run takes the incremental path (delete+insert from a temporary table).
    env = dbt_env() | harness.dbt_env()
    run_dbt(
        ["run", "--target", "prod", "--select", "config.materialized:incremental"], env, tmp_path
    )
    incremental = _results(tmp_path)
    assert len(incremental) == 6 and {r["status"] for r in incremental.values()} == {"success"}
    assert any(re.search(r"\bdelete\s+from\b", sql, re.I) for sql in harness.proxy.log.statements)
    assert harness.proxy.log.refusals == []

    # `dbt docs generate` reads the Redshift catalog (svv_table_info, the columns query) and
    # finds the descriptions persist_docs wrote with COMMENT ON.
    run_dbt(["docs", "generate", "--target", "prod"], env, tmp_path)
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text(encoding="utf-8"))
    assert not catalog.get("errors")
    fct_tickets = catalog["nodes"]["model.ticket_platform.fct_tickets"]
    assert "One row per support ticket" in fct_tickets["metadata"]["comment"]
    assert fct_tickets["columns"] and "diststyle" in fct_tickets["stats"]

    # The marts hold the same values as on DuckDB and PostgreSQL (test_dbt_project.py).
    conn = psycopg2.connect(harness.direct_dsn)
    try:
        with conn.cursor() as cur:
            marts = fetch_marts(cur, "marts")
            evaluation_marts = fetch_evaluation_marts(cur, "marts")
    finally:
        conn.close()
    check_marts(marts, tickets)
    check_evaluation_marts(evaluation_marts, evaluations, tickets)


def test_support_marts_on_redshift_match_the_reference(tmp_path: Path, harness: Harness) -> None:
    warehouse = DbtWarehouse(
        lambda: postgres_session(lambda: psycopg2.connect(harness.direct_dsn)),
        "prod",
        dbt_env() | harness.dbt_env(),
        tmp_path,
    )
    # The set-up of test_support_marts.built, on the harness.
    scenario = support.all_tickets()
    warehouse.create_sources()
    ticket_rows = [support.ticket_row(t) for t in scenario.values()]
    warehouse.insert(support.TICKETS_TABLE, support.STAGING_COLUMNS, ticket_rows)
    events = [row for ticket in scenario.values() for row in support.event_rows(ticket)]
    warehouse.insert(support.EVENTS_TABLE, support.EVENT_STAGING_COLUMNS, events)
    warehouse.dbt(
        "build",
        "--select",
        support.SELECTION,
        "--indirect-selection",
        "cautious",
        variables=support.VARIABLES,
    )
    built = warehouse
    assert harness.proxy.log.refusals == []
    tickets = support.all_tickets()
    support.check_lifecycle(built)
    support.check_sla_events(built, tickets)
    support.check_ticket_metrics(built, tickets)
    support.check_summary(built, tickets)
    support.check_backlog(built, tickets)
    # All four medians of every summary period and breakdown group (computed on Redshift from
    # MEDIAN windows) equal PostgreSQL's own percentile_cont over the same ticket_metrics rows.
    summary = {row["summary_period"]: row for row in built.records("marts.ticket_summary")}
    assert set(summary) == {"all_time", "last_30_days", "last_7_days"}
    breakdowns = {
        (row["dimension"], row["dimension_value"]): row
        for row in built.records("marts.ticket_breakdowns")
    }
    expected = _reference_medians(harness.direct_dsn)
    assert {key[0] for key in breakdowns} == set(DIMENSIONS)
    assert set(breakdowns) == set(expected) - {("summary", "all_time")}
    compared = 0
    for key, medians in expected.items():
        row = summary["all_time"] if key == ("summary", "all_time") else breakdowns[key]
        for column, value in medians.items():
            actual = row[column]
            assert (actual is None) == (value is None), (key, column, actual, value)
            if value is not None:
                assert float(actual) == pytest.approx(value, abs=1e-6), (key, column)
                compared += 1
    assert compared >= 4 * len(DIMENSIONS)  # the scenario has resolved and answered tickets


DIMENSIONS = ("product", "issue_type", "team", "priority", "sentiment")
MEDIANS = {  # mart column -> ticket_metrics column
    "median_first_response_minutes": "first_response_calendar_minutes",
    "median_first_response_business_minutes": "first_response_business_minutes",
    "median_resolution_minutes": "resolution_calendar_minutes",
    "median_resolution_business_minutes": "resolution_business_minutes",
}


def _reference_medians(dsn: str) -> dict[tuple[str, Any], dict[str, float | None]]:
    """PostgreSQL's percentile_cont(0.5) of marts.ticket_metrics, per breakdown group and over
    all tickets (the all_time period: every ticket of the scenario is before as_of)."""
    select = ", ".join(
        f"percentile_cont(0.5) within group (order by {source})" for source in MEDIANS.values()
    )
    conn = psycopg2.connect(dsn)  # directly, not through the proxy: no shim involved
    try:
        with conn.cursor() as cur:
            queries = [("summary", f"select 'all_time', {select} from marts.ticket_metrics")]
            queries += [
                (dim, f"select {dim}, {select} from marts.ticket_metrics group by {dim}")
                for dim in DIMENSIONS
            ]
            result = {}
            for dimension, query in queries:
                cur.execute(query)
                for value, *medians in cur.fetchall():
                    result[(dimension, value)] = dict(zip(MEDIANS, medians, strict=True))
    finally:
        conn.close()
    return result
