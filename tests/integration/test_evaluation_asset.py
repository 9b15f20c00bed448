"""The evaluation assets in Dagster on the seed tickets: verdicts, cache, metadata, calibration."""

import dagster as dg
import duckdb
import pytest

from ticket_platform.evaluation.assets import (
    COMPLETE_CHECK,
    HUMAN_AGREEMENT_CHECK,
    build_judge_calibration_asset,
    build_response_evaluations_asset,
)
from ticket_platform.evaluation.calibration import BUILTIN_REFERENCES
from ticket_platform.evaluation.resource import JudgeResource
from ticket_platform.ingest.tickets import load_partition
from ticket_platform.settings import get_settings
from ticket_platform.warehouse.duckdb_engine import duckdb_session
from ticket_platform.warehouse.resource import DuckDBWarehouse

PARTITION = "2025-08-08"


@pytest.fixture
def warehouse(tmp_path, seed_landing, monkeypatch) -> DuckDBWarehouse:
    from datetime import date

    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path / "data"))
    path = str(tmp_path / "w.duckdb")
    with duckdb_session(path) as session:
        load_partition(seed_landing, session, date.fromisoformat(PARTITION), run_id="test")
    return DuckDBWarehouse(database=path)


def _evaluate(warehouse: DuckDBWarehouse):
    asset = build_response_evaluations_asset(get_settings())
    result = dg.materialize(
        [asset],
        partition_key=PARTITION,
        resources={"warehouse": warehouse, "judge": JudgeResource(kind="rules")},
    )
    [materialization] = result.asset_materializations_for_node("evaluation__response_evaluations")
    return result, {k: v.value for k, v in materialization.metadata.items()}


def _query(warehouse: DuckDBWarehouse, sql: str) -> list[tuple]:
    with duckdb.connect(warehouse.database, read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_seed_response_is_judged_and_the_metadata_matches_the_table(warehouse):
    result, metadata = _evaluate(warehouse)
    assert metadata["evaluated"] == 100 and metadata["cached"] == 0
    assert metadata["model_calls"] == 0 and metadata["judge"] == "rules:rules-v4"
    [(tone_passed, all_passed)] = _query(
        warehouse,
        "select sum(case when professional_tone then 1 else 0 end), "
        "sum(case when all_passed then 1 else 0 end) from evaluation.response_evaluations",
    )
    assert metadata["pass_rate_professional_tone"] == pytest.approx(tone_passed / 100)
    assert metadata["pass_rate_all_criteria"] == pytest.approx(all_passed / 100)
    assert tone_passed < 50, "most seed responses contain contractions"
    assert "█" in metadata["pass_rates"]
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert checks[COMPLETE_CHECK].passed


def test_rematerializing_reuses_every_verdict_and_rejudges_only_a_changed_response(warehouse):
    _evaluate(warehouse)
    before = _query(
        warehouse, "select ticket_id, evaluated_at from evaluation.response_evaluations"
    )

    _, metadata = _evaluate(warehouse)
    assert metadata["cached"] == 100 and metadata["evaluated"] == 0
    assert (
        _query(warehouse, "select ticket_id, evaluated_at from evaluation.response_evaluations")
        == before
    )

    with duckdb.connect(warehouse.database) as con:
        con.execute(
            "update raw.tickets set response_text = 'Hey! Sorted.' "
            "where ticket_id = 'TKT-20250808-1046'"
        )
    _, metadata = _evaluate(warehouse)
    assert metadata["evaluated"] == 1 and metadata["cached"] == 99
    assert _query(
        warehouse,
        "select professional_tone, count(*) over () from evaluation.response_evaluations "
        "where ticket_id = 'TKT-20250808-1046'",
    ) == [(False, 1)]


def test_calibration_compares_the_judge_with_nova_pro_and_a_human_file(
    warehouse, tmp_path, monkeypatch
):
    human = tmp_path / "human.jsonl"
    human.write_text(
        '{"ticket_id": "H-1", "product": "AWS Lambda", "response_text": "Hey! It\'s fine.", '
        '"labels": {"professional_tone": false}, "labelled_by": "ana"}\n'
    )
    monkeypatch.setenv("TICKET_JUDGE_REFERENCE", str(human))
    asset = build_judge_calibration_asset(get_settings())
    result = dg.materialize(
        [asset], resources={"warehouse": warehouse, "judge": JudgeResource(kind="rules")}
    )
    [check] = result.get_asset_check_evaluations()
    assert check.check_name == HUMAN_AGREEMENT_CHECK and check.passed
    intervals = check.metadata["intervals"].value
    assert intervals["professional_tone"]["agreement_ci"] == [0.2065, 1.0]  # Wilson, 1 of 1
    rows = _query(
        warehouse,
        "select reference_set, criterion, compared from evaluation.judge_calibration "
        "order by reference_set, criterion",
    )
    assert ("human.jsonl", "professional_tone", 1) in rows
    assert ("seed-nova-pro", "professional_tone", 100) in rows
    labelled = sum(1 for line in BUILTIN_REFERENCES["team-labelled"].open() if line.strip())
    assert ("team-labelled", "professional_tone", labelled) in rows
    assert len(rows) == 12  # four criteria for each of the three reference sets


def test_human_labels_without_replies_are_joined_to_the_loaded_tickets(
    warehouse, tmp_path, monkeypatch
):
    human = tmp_path / "human.csv"
    human.write_text(
        "ticket_id,professional_tone\nTKT-20250808-1046,no\nTKT-20250808-1157,yes\nNOPE,yes\n"
    )
    monkeypatch.setenv("TICKET_JUDGE_REFERENCE", str(human))
    asset = build_judge_calibration_asset(get_settings())
    result = dg.materialize(
        [asset], resources={"warehouse": warehouse, "judge": JudgeResource(kind="rules")}
    )
    [materialization] = result.asset_materializations_for_node("evaluation__judge_calibration")
    table = materialization.metadata["human.csv vs rules:rules-v4"].value
    assert "1 row(s) rejected, 2 joined to stored tickets" in table
    assert _query(
        warehouse,
        "select compared, agreement_ci_low is not null from evaluation.judge_calibration "
        "where reference_set = 'human.csv' and criterion = 'professional_tone'",
    ) == [(2, True)]


def test_without_a_human_reference_the_calibration_declares_no_check(monkeypatch, tmp_path):
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("TICKET_JUDGE_REFERENCE", raising=False)
    asset = build_judge_calibration_asset(get_settings())
    assert not list(asset.check_specs)
