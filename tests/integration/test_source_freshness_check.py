"""`dbt source freshness` run by its asset check against a real DuckDB warehouse."""

from datetime import date

import dagster as dg

from ticket_platform.defs.transform.project import dbt_cli
from ticket_platform.defs.transform.source_freshness import (
    SOURCE_FRESHNESS_CHECK,
    build_source_freshness_checks,
)
from ticket_platform.lib.ingest import load_partition
from ticket_platform.lib.warehouse import duckdb_session
from ticket_platform.settings import get_settings


def test_freshly_loaded_tickets_pass_the_source_freshness_check(
    tmp_path, seed_landing, monkeypatch
):
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path / "data"))
    settings = get_settings()
    with duckdb_session(settings.warehouse_path) as session:
        load_partition(seed_landing, session, date(2025, 8, 8))  # _loaded_at is now
    checks = build_source_freshness_checks(settings)
    job = dg.define_asset_job("freshness", selection=dg.AssetSelection.checks(checks))
    definitions = dg.Definitions(
        asset_checks=[checks], jobs=[job], resources={"dbt": dbt_cli(settings)}
    )
    result = definitions.resolve_job_def("freshness").execute_in_process()
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.check_name == SOURCE_FRESHNESS_CHECK
    assert evaluation.asset_key == dg.AssetKey(["raw", "tickets"])
    assert evaluation.passed, evaluation.metadata
    assert evaluation.metadata["dbt_status"].value == "pass"
    assert evaluation.metadata["age_hours"].value < 1
