"""End to end through the real CLI: generate → run (ingest + dbt) → re-run loads nothing new."""

import io
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from helpers.cli_run import cli

from ticket_platform.contracts import ProcessedTicket
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.routing.teams import team_of

pytestmark = pytest.mark.dbt


@pytest.fixture
def env(tmp_path: Path) -> dict:
    return {
        **os.environ,
        "TICKET_DATA_DIR": str(tmp_path / "data"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }


def test_generate_run_and_rerun(env, tmp_path, seed_lines):
    generated = cli(
        "generate", "--count", "400", "--days", "3", "--end", "2025-08-11", "--seed", "7", env=env
    )
    assert generated.returncode == 0, generated.stderr
    landing = LocalLanding(tmp_path / "data" / "landing")
    for line in seed_lines:  # the real seed tickets share the landing on 2025-08-08
        landing.write(ProcessedTicket.model_validate_json(line).lake_key(), line)
    landing.write("tickets/2025/08/09/ticket_broken.json", b'{"ticket_id": "TKT-BROKEN"')

    first = cli("run", "--json", env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    summary = json.loads(first.stdout)
    assert summary["success"] and summary["partitions"] == 4
    assert summary["ingest"]["files_seen"] == 501
    assert summary["ingest"]["rows_loaded"] == 500
    assert summary["ingest"]["files_quarantined"] == 1
    backlog_days = summary["tables"].pop("marts.daily_backlog")  # first submission .. today
    # One row per day, model and team that is a ticket's actual or predicted team.
    routing_groups = summary["tables"].pop("marts.routing_quality")
    assert routing_groups >= _team_days(landing)
    assert backlog_days == (datetime.now(UTC).date() - date(2025, 8, 8)).days + 1
    assert summary["tables"] == {
        "raw.tickets": 500,
        "raw.ingest_ledger": 501,
        "raw.ticket_quarantine": 1,
        "raw.ticket_events": 0,  # `generate` writes tickets only; `simulate` writes events
        "raw.event_quarantine": 0,
        "evaluation.response_evaluations": 500,
        "marts.fct_tickets": 500,
        "marts.daily_ticket_volume": _volume_groups(landing),
        "marts.fct_response_evaluations": 500,
        "marts.fct_ticket_milestones": 0,  # no lifecycle events without `simulate`
        "marts.ticket_metrics": 500,
        "marts.sla_events": 1000,  # first response and resolution
        "routing.feedback": 0,
        "routing.ticket_routes": 500,  # the seed tickets too, though never trained on
    }
    routing = summary["routing"]
    assert routing["promoted"] and routing["tickets_routed"] == 500
    assert routing["reference_accuracy"] >= 0.7  # trained on only 400 generated tickets
    assert summary["failed_checks"] == []
    assert summary["docs"] == str(tmp_path / "data" / "dbt_docs" / "static_index.html")
    fct_parquet = landing.read("processed/marts/fct_tickets/fct_tickets.parquet")
    assert pq.read_table(io.BytesIO(fct_parquet)).num_rows == 500
    dashboard = landing.read("reports/support_dashboard.html").decode()
    assert dashboard.count('class="plotly-graph-div"') == 8 and ">500</b>" in dashboard
    evaluation = summary["evaluation"]
    assert evaluation["judge"] == "rules:rules-v4"
    assert (evaluation["evaluated"], evaluation["cached"], evaluation["model_calls"]) == (500, 0, 0)
    assert 0 < evaluation["pass_rate"] < 1

    again = cli("run", "--json", env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    rerun = json.loads(again.stdout)
    assert rerun["ingest"]["files_already_loaded"] == 501
    assert rerun["ingest"]["rows_loaded"] == 0 and rerun["ingest"]["rows_quarantined"] == 0
    assert rerun["tables"]["raw.tickets"] == 500 and rerun["tables"]["raw.ticket_quarantine"] == 1
    assert (rerun["evaluation"]["evaluated"], rerun["evaluation"]["cached"]) == (0, 500)
    assert rerun["tables"]["evaluation.response_evaluations"] == 500
    # Nothing new to learn: the same router, its 500 routes replaced, not added to.
    assert rerun["routing"]["model_version"] == routing["model_version"]
    assert rerun["tables"]["routing.ticket_routes"] == 500


def _team_days(landing: LocalLanding) -> int:
    """Distinct (day, owning team) among the valid landed tickets."""
    return len({(t.submitted_at.date(), team_of(t.product)) for t in _valid_tickets(landing)})


def _valid_tickets(landing: LocalLanding) -> list[ProcessedTicket]:
    tickets = []
    for obj in landing.list("tickets/"):
        try:
            tickets.append(ProcessedTicket.model_validate_json(landing.read(obj.key)))
        except ValueError:
            continue
    return tickets


def _volume_groups(landing: LocalLanding) -> int:
    """Distinct (day, product, priority, sentiment) among the valid landed tickets."""
    return len(
        {
            (t.submitted_at.date(), t.product, t.priority, t.sentiment)
            for t in _valid_tickets(landing)
        }
    )


def test_generate_is_deterministic_and_does_not_rewrite(env, tmp_path):
    args = ("generate", "--count", "50", "--days", "2", "--end", "2025-01-02", "--seed", "3")
    assert cli(*args, env=env).returncode == 0
    landing = LocalLanding(tmp_path / "data" / "landing")
    before = {o.key: o.etag for o in landing.list("tickets/")}
    assert len(before) == 50
    assert cli(*args, env=env).returncode == 0
    assert {o.key: o.etag for o in landing.list("tickets/")} == before


def test_configuration_errors_are_reported_not_raised(env):
    result = cli("run", env={**env, "TICKET_PLATFORM_ENV": "prod", "TICKET_LANDING_URI": ""})
    assert result.returncode == 2
    assert "TICKET_LANDING_URI" in result.stderr


def test_run_on_an_empty_landing_builds_empty_marts(env):
    result = cli("run", "--json", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert summary["success"] and summary["partitions"] == 0
    assert summary["tables"]["raw.tickets"] == 0 and summary["tables"]["marts.fct_tickets"] == 0


def test_calibrate_reports_the_rules_judge_against_nova_pro(env):
    result = cli("calibrate", "--judge", "rules", "--json", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["judge"] == "rules:rules-v4" and report["reference"] == "seed-nova-pro"
    tone = next(a for a in report["agreements"] if a["criterion"] == "professional_tone")
    assert tone["compared"] == 100 and tone["reference_pass_rate"] == 0.97
    assert (
        len(report["disagreements"]["professional_tone"])
        == tone["reference_only_pass"] + tone["judge_only_pass"]
    )


def test_calibrate_rejects_an_unknown_judge_or_reference(env):
    assert cli("calibrate", "--judge", "oracle", env=env).returncode == 2
    missing = cli("calibrate", "--reference", "nowhere.jsonl", env=env)
    assert missing.returncode == 2 and "seed-nova-pro" in missing.stderr
