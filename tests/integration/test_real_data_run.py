"""`ticket-platform run` on real data, end to end through the CLI.

The seed system's 100 real tickets all fall on one day and are the router's reference set (never
trained on); a landing zone of one ticket is the smallest real input. Both must build every mart
and exit 0. A failing optional branch (a corrupt routing model, a blocked Parquet export) must
leave the marts built, and the run must say which branch failed and exit 3.

Each scenario runs the CLI once (module-scoped); the tests read its summary and warehouse.
"""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from helpers.cli_run import CliRun, run_platform

from ticket_platform.cli.job_runs import EXIT_BRANCH_FAILED
from ticket_platform.cli.summary import print_summary
from ticket_platform.contracts import ProcessedTicket
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.reports.export_asset import mart_models
from ticket_platform.transform.project import DBT_PROJECT_DIR

pytestmark = pytest.mark.dbt

REPO = Path(__file__).resolve().parents[2]
SEED_SYSTEM = REPO / ".." / "shared" / "fixtures" / "seed_system"
SEED_TICKETS = SEED_SYSTEM / "processed_tickets.jsonl"
CORRUPT_VERSION = "0123456789abcdef"


def _seed_lines() -> list[str]:
    if not SEED_TICKETS.exists():
        pytest.skip(f"the seed system's fixtures are not at {SEED_SYSTEM} (../shared)")
    return [line for line in SEED_TICKETS.read_text().splitlines() if line.strip()]


def _land(base: Path, lines: list[str]) -> LocalLanding:
    landing = LocalLanding(base / "landing")
    for line in lines:
        landing.write(ProcessedTicket.model_validate_json(line).lake_key(), line.encode())
    return landing


def _marts() -> set[str]:
    """Every model of the dbt project's marts layer, as ``schema.table``."""
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    return set(mart_models(manifest).values())


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory) -> CliRun:
    base = tmp_path_factory.mktemp("seed_system")
    _land(base, _seed_lines())
    return run_platform(base)


@pytest.fixture(scope="module")
def one_ticket_run(tmp_path_factory) -> CliRun:
    base = tmp_path_factory.mktemp("one_ticket")
    _land(base, _seed_lines()[:1])
    return run_platform(base)


@pytest.fixture(scope="module")
def failing_branches_run(tmp_path_factory) -> CliRun:
    """The 100 seed tickets with a promoted routing model whose file is corrupt, and a file
    where the Parquet export's folder should be."""
    base = tmp_path_factory.mktemp("failing_branches")
    landing = _land(base, _seed_lines())
    pointer = {"version": CORRUPT_VERSION, "promoted_at": "2025-08-01T00:00:00+00:00"}
    landing.write("models/routing/current.json", json.dumps(pointer).encode())
    landing.write(f"models/routing/{CORRUPT_VERSION}/model.skops", b"not a model")
    (base / "landing" / "processed").write_text("a file, not the export's folder")
    return run_platform(base)


def _assert_every_mart_built(run: CliRun, tickets: int) -> None:
    marts = _marts()
    assert "marts.fct_tickets" in marts and len(marts) >= 10, marts
    missing = []
    for relation in sorted(marts):
        try:
            run.count(relation)
        except duckdb.CatalogException:
            missing.append(relation)
    assert missing == [], f"marts not built: {missing}"
    assert run.count("marts.fct_tickets") == tickets


def test_the_seed_systems_100_real_tickets_build_every_mart(seed_run):
    assert seed_run.returncode == 0, seed_run.stderr[-4000:]
    summary = seed_run.summary
    assert summary["success"] and summary["exit_status"] == 0
    assert (summary["partitions"], summary["ingest"]["rows_loaded"]) == (1, 100)
    assert summary["failed_spine"] == [] and summary["failed_branches"] == []
    _assert_every_mart_built(seed_run, tickets=100)
    assert summary["docs"] and Path(summary["docs"]).exists()


def test_routing_on_the_reference_tickets_alone_is_skipped_with_its_reason(seed_run):
    routing = seed_run.summary["routing"]
    assert routing["training_skipped"].startswith("0 trainable tickets of 100 staged")
    assert "100 reference tickets" in routing["training_skipped"]
    assert routing["routing_skipped"] == "no routing model has been promoted yet"
    assert (routing["model_version"], routing["tickets_routed"]) == (None, 0)
    assert not seed_run.landing.exists("models/routing/current.json")


def test_a_single_ticket_builds_every_mart(one_ticket_run):
    assert one_ticket_run.returncode == 0, one_ticket_run.stderr[-4000:]
    summary = one_ticket_run.summary
    assert summary["success"] and summary["failed_branches"] == []
    assert summary["routing"]["training_skipped"].startswith("0 trainable tickets of 1 staged")
    _assert_every_mart_built(one_ticket_run, tickets=1)


def test_failing_branches_leave_the_marts_built_and_are_reported(failing_branches_run):
    run = failing_branches_run
    assert run.returncode == EXIT_BRANCH_FAILED, run.stderr[-4000:]
    summary = run.summary
    assert not summary["success"] and summary["failed_spine"] == []
    failed = {(f["branch"], f["job"]): f for f in summary["failed_branches"]}
    assert set(failed) == {("routing", "route_tickets"), ("parquet export", "dbt_build")}
    assert "does not match its version" in failed["routing", "route_tickets"]["error"]
    _assert_every_mart_built(run, tickets=100)
    assert summary["docs"] and Path(summary["docs"]).exists()
    assert run.landing.exists("reports/support_dashboard.html"), "the dashboard is its own branch"


def test_a_failed_branch_shows_as_a_failed_dagster_run(failing_branches_run):
    instance = dg.DagsterInstance.from_config(str(failing_branches_run.base / "dagster_home"))
    try:
        for failed in failing_branches_run.summary["failed_branches"]:
            run = instance.get_run_by_id(failed["run_id"])
            assert run is not None and run.status == dg.DagsterRunStatus.FAILURE
    finally:
        instance.dispose()


def test_the_printed_summary_names_the_failed_branches(failing_branches_run, capsys):
    print_summary(failing_branches_run.summary)
    printed = " ".join(capsys.readouterr().out.split())
    assert "branches failed │ parquet export, routing" in printed
    assert "Branch failed: routing (route_tickets, run" in printed
    assert "(exit status 3): the marts and docs are built" in printed


def test_the_printed_summary_gives_the_routing_skip_and_success(seed_run, capsys):
    print_summary(seed_run.summary)
    printed = " ".join(capsys.readouterr().out.split())
    assert "routing model │ not trained (see below)" in printed
    assert "Routing: no model trained: 0 trainable tickets of 100 staged" in printed
    assert "Routing skipped: no routing model has been promoted yet" in printed
    assert "branches failed │ none" in printed and "Run succeeded." in printed


def test_the_summary_gives_the_judges_pass_rate_per_criterion_on_the_real_replies(seed_run, capsys):
    """On the seed system's 100 real replies the rules judge passes professional tone on 33
    (two in three use contractions) and all four criteria on 30."""
    rates = seed_run.summary["evaluation"]["criteria_pass_rates"]
    assert set(rates) == {
        "contextual_relevance",
        "technical_accuracy",
        "professional_tone",
        "actionable_guidance",
    }
    assert rates["professional_tone"] == pytest.approx(0.33)
    print_summary(seed_run.summary)
    printed = " ".join(capsys.readouterr().out.split())
    assert "pass rate, all four criteria │ 30.0%" in printed
    assert "pass rate, professional tone │ 33.0%" in printed
