"""The raw/tickets asset in Dagster: metadata, and the quarantine check passing and failing."""

import dagster as dg

from ticket_platform.ingest.assets import QUARANTINE_CHECK, build_raw_tickets_asset
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.settings import get_settings
from ticket_platform.warehouse.resource import DuckDBWarehouse

PARTITION = "2025-08-08"
PREFIX = "tickets/2025/08/08/"


def _materialize(tmp_path, landing, monkeypatch, max_rate: str):
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TICKET_MAX_QUARANTINE_RATE", max_rate)
    asset = build_raw_tickets_asset(get_settings())
    return dg.materialize(
        [asset],
        partition_key=PARTITION,
        resources={
            "landing": LandingResource(uri=landing.uri),
            "warehouse": DuckDBWarehouse(database=str(tmp_path / "w.duckdb")),
        },
        raise_on_error=False,
    )


def _check(result) -> dg.AssetCheckEvaluation:
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.check_name == QUARANTINE_CHECK
    return evaluation


def test_materialization_reports_counts_and_passes_the_check(tmp_path, seed_landing, monkeypatch):
    seed_landing.write(PREFIX + "broken.json", b"{")
    result = _materialize(tmp_path, seed_landing, monkeypatch, "0.05")
    assert result.success
    [materialization] = result.asset_materializations_for_node("raw__tickets")
    metadata = {k: v.value for k, v in materialization.metadata.items()}
    assert metadata["files_seen"] == 101 and metadata["rows_loaded"] == 100
    assert metadata["files_quarantined"] == 1 and metadata["dagster/row_count"] == 100
    assert _check(result).passed


def test_check_fails_when_a_partition_quarantines_too_much(tmp_path, seed_landing, monkeypatch):
    for i in range(10):
        seed_landing.write(f"{PREFIX}broken_{i}.json", b"not json")
    result = _materialize(tmp_path, seed_landing, monkeypatch, "0.05")
    evaluation = _check(result)
    assert result.success, "a failed check flags the data; it does not fail the load"
    assert not evaluation.passed
    assert evaluation.metadata["partitions_over_limit"].value == {PARTITION: round(10 / 110, 4)}
