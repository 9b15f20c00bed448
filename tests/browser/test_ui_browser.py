"""What a person looks at after ``make demo`` and ``make ui``, checked in Chromium: the asset
graph and catalog, asset checks, sensor and schedule ticks, runs, the evaluation's pass rates,
the support dashboard and the dbt docs site. The UI's own GraphQL endpoint (what the pages
render) gives the complete answers; the pages are loaded, asserted on and saved as screenshots.

One small demo (60 tickets over 2 days) is built per session by the fixtures in conftest.py;
the whole file took 3-4.5 minutes on 2 shared cores, 2-3 of them the demo's ``run``."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from helpers.dagster_graphql import RUN_IN_FLIGHT_STATUSES, DagsterGraphQL

pytestmark = pytest.mark.dbt

EVALUATION = ["evaluation", "response_evaluations"]
# Sensors whose minimum interval is at most this many seconds must have ticked twice.
FAST_SENSOR_SECONDS = 15
DASHBOARD_PAGE = "reports/support_dashboard.html"


def _open(page, url: str) -> None:
    """Load a Dagster UI page; dismiss the "Join the community" dialog of a new instance."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    skip = page.get_by_role("button", name="Skip")
    if skip.count():
        skip.first.click()


def _shot(page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def _wait_for_runs(graphql: DagsterGraphQL, timeout: float = 150) -> list[dict]:
    """Wait until no run is queued or in progress (sensors may have started some); those left."""
    deadline = time.monotonic() + timeout
    while (in_flight := graphql.runs(RUN_IN_FLIGHT_STATUSES)) and time.monotonic() < deadline:
        time.sleep(2)
    return in_flight


def test_the_demo_runs(demo):
    """``make demo``'s ``run`` (ingest, dbt build with its tests, evaluation, routing, reports)
    succeeds on the small demo, every check passing."""
    assert demo.returncode == 0, demo.stderr[-4000:]
    assert demo.summary["success"] and demo.summary["failed_checks"] == []
    assert demo.summary["tables"]["raw.tickets"] == 60


def test_the_lineage_and_the_catalog_show_the_assets(page, ui, graphql, screenshots):
    assets = {check.asset for check in graphql.check_statuses()}
    assert {"evaluation/response_evaluations", "marts/ticket_summary"} <= assets

    _open(page, f"{ui.url}/asset-groups")
    page.get_by_text("Global asset lineage").first.wait_for()
    for group in ("ingest", "evaluation", "marts", "reports"):
        page.get_by_text(group, exact=True).first.wait_for()
    _shot(page, screenshots, "01-lineage-global")

    _open(page, f"{ui.url}/locations/ticket_platform/asset-groups/evaluation")
    page.get_by_text("response_evaluations").first.wait_for()
    _shot(page, screenshots, "02-lineage-evaluation-group")

    _open(page, f"{ui.url}/assets")
    page.get_by_text("response_evaluations").first.wait_for()
    text = page.inner_text("body")
    shown = [
        name for name in ("dbt_docs", "judge_calibration", "response_evaluations") if name in text
    ]
    assert len(shown) == 3, f"catalog shows {shown}"
    assert "Materialized" in text, "the demo's assets are materialized"
    _shot(page, screenshots, "03-catalog")


def test_no_run_failed(graphql):
    in_flight = _wait_for_runs(graphql)
    assert not in_flight, f"runs still in flight after 150 s: {in_flight}"
    runs = graphql.runs()
    assert runs, "the demo's runs are in the instance"
    failed = {
        f"{run['runId']} ({run['jobName']})": graphql.run_errors(run["runId"])[:4]
        for run in runs
        if run["status"] == "FAILURE"
    }
    assert not failed, f"{len(failed)} of {len(runs)} runs failed: {failed}"


def test_no_asset_shows_a_failed_check(page, ui, graphql, screenshots):
    _wait_for_runs(graphql)
    statuses = graphql.check_statuses()
    executed = [s for s in statuses if s.status is not None]
    print(
        f"\nasset checks: {len(statuses)} defined, {len(executed)} executed, statuses "
        f"{sorted({s.status for s in executed})}"
    )
    assert len(executed) >= 100, "the demo run executes the dbt tests and the Python checks"
    failed = [s for s in statuses if s.status == "FAILED"]
    not_run = [s for s in statuses if s.status == "EXECUTION_FAILED"]
    runs = sorted({s.run_id for s in failed + not_run if s.run_id})
    assert not failed and not not_run, (
        f"{len(failed)} checks failed: "
        f"{[f'{s.asset} {s.check} ({s.severity})' for s in failed[:10]]}; {len(not_run)} could "
        f"not execute (their step failed), e.g. {[f'{s.asset} {s.check}' for s in not_run[:5]]}; "
        f"errors of their runs: { {run: graphql.run_errors(run)[:3] for run in runs[:3]} }"
    )

    for asset in ("evaluation/response_evaluations", "marts/ticket_summary"):
        _open(page, f"{ui.url}/assets/{asset}?view=checks")
        page.get_by_text("Succeeded").first.wait_for()
        lines = {line.strip() for line in page.inner_text("body").splitlines()}
        _shot(page, screenshots, f"04-checks-{asset.replace('/', '-')}")
        assert not lines & {"Failed", "Execution failed"}, f"{asset}: a check shows as failed"


def test_no_sensor_or_schedule_shows_a_failed_tick(page, ui, graphql, screenshots):
    deadline = time.monotonic() + 150
    while True:
        instigators = graphql.instigators()
        waiting = [
            i.name
            for i in instigators
            if i.kind == "sensor"
            and i.status == "RUNNING"
            and len(i.tick_statuses)
            < (2 if (i.min_interval_seconds or 30) <= FAST_SENSOR_SECONDS else 1)
        ]
        if not waiting or time.monotonic() > deadline:
            break
        time.sleep(3)
    print("\nticks:", {i.name: i.tick_statuses for i in instigators})
    assert not waiting, f"sensors that did not tick in time: {waiting}"
    sensors = [i for i in instigators if i.kind == "sensor"]
    assert len(sensors) >= 8 and all(s.status == "RUNNING" for s in sensors)
    failures = {
        f"{i.kind} {i.name}": i.tick_errors for i in instigators if "FAILURE" in i.tick_statuses
    }
    assert not failures, f"failed ticks: {failures}"

    _open(page, f"{ui.url}/automation")
    page.get_by_text("landing_sensor").first.wait_for()
    _shot(page, screenshots, "05-automation")
    assert "Failure" not in page.inner_text("body")


def test_the_evaluation_shows_pass_rates_below_100_percent(page, ui, graphql, screenshots):
    """A realistic responder fails some criteria: a judge passing every response of a day would
    say more about the judge (or the demo) than about the responses."""
    by_partition = graphql.latest_metadata_by_partition(EVALUATION)
    rates = {
        partition: metadata["pass_rate_all_criteria"]
        for partition, metadata in by_partition.items()
        if metadata.get("evaluated") and "pass_rate_all_criteria" in metadata
    }
    print(f"\nall-criteria pass rate by partition: {rates}")
    assert rates, f"no evaluated partition in the metadata: {by_partition}"

    _open(page, f"{ui.url}/assets/{'/'.join(EVALUATION)}")
    page.get_by_text("pass_rate_all_criteria").first.wait_for()
    _shot(page, screenshots, "06-evaluation")
    shown = re.search(r"all_criteria\D*?(\d{1,3}\.\d)%", page.inner_text("body"))
    assert shown, "the pass-rate chart is on the asset page"

    assert all(rate < 1.0 for rate in rates.values()), f"100 % pass rate: {rates}"
    assert float(shown.group(1)) < 100.0


def test_the_dashboard_renders_every_chart_with_data(page, demo, screenshots):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((demo.landing.root / DASHBOARD_PAGE).as_uri())
    page.wait_for_selector(".plotly-graph-div .main-svg")
    charts = page.evaluate(
        """() => Array.from(document.querySelectorAll('.plotly-graph-div')).map(gd => ({
            title: (gd.layout.title && gd.layout.title.text) || '',
            drawn: gd.querySelectorAll('.main-svg').length,
            points: gd.data.map(t => (t.y || []).concat(t.x && t.orientation === 'h' ? t.x : [])
                .filter(v => typeof v === 'number' && v !== 0).length)
                .reduce((a, b) => a + b, 0),
        }))"""
    )
    notes = page.locator(".empty").all_inner_texts()
    _shot(page, screenshots, "07-dashboard")
    print(f"\ndashboard charts: {charts}\nnotes: {notes}")
    assert not errors, errors
    assert len(charts) >= 4, charts
    empty = [chart["title"] for chart in charts if not chart["drawn"] or not chart["points"]]
    assert not empty, f"charts without data: {empty}"
    tiles = page.locator(".kpi").all_inner_texts()
    print(f"tiles: {[' '.join(tile.split()) for tile in tiles]}")
    assert tiles and not any("nan" in tile.lower() for tile in tiles), tiles
    labels = " | ".join(tiles)
    assert "Median first response (AI draft)" in labels, "the AI draft's time is labelled so"
    assert "Median first agent reply" in labels, "a person's first reply (ticket_summary)"


def test_the_dbt_docs_show_a_mart_with_its_columns(page, docs_server, screenshots):
    page.goto(f"{docs_server.url}/docs/#!/model/model.ticket_platform.ticket_summary")
    page.get_by_text("ticket_summary").first.wait_for()
    page.get_by_text("summary_period").first.wait_for()
    text = page.inner_text("body")
    _shot(page, screenshots, "08-dbt-docs-ticket-summary")
    for column in ("summary_period", "ticket_count", "median_resolution_minutes", "csat"):
        assert column in text, f"column {column} is not on the page"
    assert "warehouse.marts.ticket_summary" in text, "the relation the mart was built into"
    assert "VARCHAR" in text and "BIGINT" in text, "column types: the catalog (warehouse) loaded"
