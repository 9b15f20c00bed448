"""`dbt source freshness` run by its asset check against a real DuckDB warehouse."""

from datetime import date

import dagster as dg

from ticket_platform.ingest.events import ensure_event_tables
from ticket_platform.ingest.tickets import load_partition
from ticket_platform.settings import get_settings
from ticket_platform.transform.project import dbt_cli
from ticket_platform.transform.source_freshness import (
    SOURCE_FRESHNESS_CHECK,
    build_source_freshness_checks,
)
from ticket_platform.warehouse.duckdb_engine import duckdb_session


def test_freshly_loaded_tickets_pass_the_source_freshness_check(
    tmp_path, seed_landing, monkeypatch
):
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path / "data"))
    settings = get_settings()
    with duckdb_session(settings.warehouse_path) as session:
        load_partition(seed_landing, session, date(2025, 8, 8))  # _loaded_at is now
        ensure_event_tables(session)  # no lifecycle event ever loaded
    checks = build_source_freshness_checks(settings)
    job = dg.define_asset_job("freshness", selection=dg.AssetSelection.checks(checks))
    definitions = dg.Definitions(
        asset_checks=[checks], jobs=[job], resources={"dbt": dbt_cli(settings)}
    )
    result = definitions.resolve_job_def("freshness").execute_in_process()
    evaluations = {e.asset_key: e for e in result.get_asset_check_evaluations()}
    tickets = evaluations[dg.AssetKey(["raw", "tickets"])]
    assert tickets.check_name == SOURCE_FRESHNESS_CHECK
    assert tickets.passed, tickets.metadata
    assert tickets.metadata["dbt_status"].value == "pass"
    assert tickets.metadata["age_hours"].value < 1
    # An events feed that never delivered anything is not fresh: the check says so.
    events = evaluations[dg.AssetKey(["raw", "ticket_events"])]
    assert not events.passed and events.severity == dg.AssetCheckSeverity.ERROR
