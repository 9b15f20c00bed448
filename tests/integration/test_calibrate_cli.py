"""``ticket-platform calibrate --reference FILE`` with labels but no replies (issue 22): rejected
row by row when the warehouse does not hold the tickets, joined to them when it does; and the
95% confidence intervals in its output."""

import json
import os
from datetime import date
from pathlib import Path

import pytest
from helpers.cli_run import cli

from ticket_platform.ingest.tickets import load_partition
from ticket_platform.warehouse.duckdb_engine import duckdb_session

SEED_IDS = ["TKT-20250808-1046", "TKT-20250808-1157", "TKT-20250808-1309"]


@pytest.fixture
def env(tmp_path: Path) -> dict:
    """The CLI's environment: this test's data folder and no other platform setting, so a
    setting left in the worker's environment by another test cannot point it elsewhere."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TICKET_")}
    return {**clean, "TICKET_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}


@pytest.fixture
def labels_without_replies(tmp_path: Path) -> Path:
    path = tmp_path / "labels.csv"
    rows = [f"{ticket_id},yes,no" for ticket_id in SEED_IDS] + ["TKT-NOT-LOADED,no,no"]
    path.write_text("ticket_id,professional_tone,actionable_guidance\n" + "\n".join(rows) + "\n")
    return path


def test_labels_without_replies_or_stored_tickets_exit_non_zero_naming_each_row(
    env, labels_without_replies
):
    result = cli(
        "calibrate", "--judge", "rules", "--reference", str(labels_without_replies), env=env
    )
    assert result.returncode == 1
    assert "4 row(s) rejected" in result.stderr
    assert f"line 2: ticket_id {SEED_IDS[0]}: no response_text" in result.stderr
    assert "no usable row, so nothing to compare" in result.stderr
    assert "agreement" not in result.stdout  # no numbers are reported


def test_labels_without_replies_are_joined_to_the_tickets_in_the_warehouse(
    env, tmp_path, seed_landing, labels_without_replies
):
    (tmp_path / "data").mkdir()
    with duckdb_session(str(tmp_path / "data" / "warehouse.duckdb")) as session:
        load_partition(seed_landing, session, date(2025, 8, 8), run_id="test")

    args = ("calibrate", "--judge", "rules", "--reference", str(labels_without_replies))
    result = cli(*args, "--json", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["joined"] == SEED_IDS
    assert report["rejected"] == [
        "line 5: ticket_id TKT-NOT-LOADED: no response_text and no stored ticket of that id"
    ]
    assert "3 row(s) without a response_text graded" in result.stderr
    tone = next(a for a in report["agreements"] if a["criterion"] == "professional_tone")
    assert tone["compared"] == 3
    low, high = tone["agreement_ci"]
    assert low <= tone["agreement"] <= high and high - low > 0.3  # three items: a wide interval

    shown = cli(*args, env=env)
    assert shown.returncode == 0, shown.stderr[-3000:]
    assert "95% confidence intervals" in shown.stdout
    assert f"{tone['agreement']:.0%} [{low:.0%}, {high:.0%}]" in shown.stdout
