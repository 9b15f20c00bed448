"""``check_and_freshness_alerts`` on the storages users run, not an ephemeral instance.

``make ui`` (``dagster dev``) opens the default local storage, whose event log is run-sharded
SQLite; there ``get_event_records`` refuses a plain storage-id cursor for check evaluations, and
every tick of the sensor failed. Production uses PostgreSQL. Each test runs the sensor's ticks on
both: failures from several runs (several SQLite shards) alert once each, in order, and the
cursor, a lost cursor and the first-tick look-back behave the same.
"""

from __future__ import annotations

import time
from pathlib import Path

import dagster as dg
import orjson
import pytest

# The event the freshness daemon records; dagster exports no public name for it.
from dagster._core.definitions.freshness import FreshnessState, FreshnessStateChange
from helpers.dagster_instances import user_instance

from ticket_platform.alerts import sensors as alert_sensors
from ticket_platform.alerts.resource import AlertResource
from ticket_platform.alerts.sensors import check_and_freshness_alerts
from ticket_platform.warehouse.resource import DuckDBWarehouse


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def instance(request, tmp_path: Path):
    dsn = request.getfixturevalue("postgres_database") if request.param == "postgres" else None
    with user_instance(tmp_path / "dagster_home", dsn) as instance:
        storage = type(instance.event_log_storage).__name__
        if request.param == "sqlite":
            assert storage == "SqliteEventLogStorage" and instance.event_log_storage.is_run_sharded
        else:
            assert storage == "PostgresEventLogStorage"
        yield instance


@pytest.fixture
def resources(tmp_path: Path) -> dict:
    return {
        "alerts": AlertResource(
            log_path=str(tmp_path / "alerts.jsonl"),
            audit_database=str(tmp_path / "alerts.duckdb"),
        ),
        "warehouse": DuckDBWarehouse(database=str(tmp_path / "w.duckdb")),
    }


def _logged(resources: dict) -> list[dict]:
    path = Path(resources["alerts"].log_path)
    return [orjson.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []


def _checked(asset: str, check: str, passed: bool) -> dg.AssetsDefinition:
    @dg.asset(name=asset, check_specs=[dg.AssetCheckSpec(check, asset=asset)])
    def the_asset() -> dg.MaterializeResult:
        return dg.MaterializeResult(
            check_results=[
                dg.AssetCheckResult(check_name=check, passed=passed, description=f"{check} said so")
            ]
        )

    return the_asset


ORDERS = _checked("orders", "rows_present", passed=False)
REFUNDS = _checked("refunds", "amounts_positive", passed=False)
CUSTOMERS = _checked("customers", "ids_unique", passed=True)


def _tick(instance, resources, cursor: str | None = None) -> tuple[str, str | None]:
    context = dg.build_sensor_context(instance=instance, resources=resources, cursor=cursor)
    result = check_and_freshness_alerts(context)
    return result.skip_message, context.cursor


def test_failed_checks_from_several_runs_alert_once_each(instance, resources):
    dg.materialize([ORDERS, CUSTOMERS], instance=instance)
    message, cursor = _tick(instance, resources)
    assert message == "1 failing check or freshness event(s) handled"
    assert [a["title"] for a in _logged(resources)] == ["Check rows_present failed on orders"]

    assert _tick(instance, resources, cursor)[0].startswith("0 failing"), "the cursor moved on"
    dg.materialize([REFUNDS], instance=instance)  # another run: another SQLite shard
    message, cursor = _tick(instance, resources, cursor)
    assert message.startswith("1 failing")
    titles = [a["title"] for a in _logged(resources)]
    assert titles == [
        "Check rows_present failed on orders",
        "Check amounts_positive failed on refunds",
    ]
    keys = [a["dedupe_key"] for a in _logged(resources)]
    assert len(set(keys)) == 2, "storage ids are unique across runs"
    _tick(instance, resources)  # a lost cursor re-reads both; the audit table drops them
    assert len(_logged(resources)) == 2


def test_a_stale_asset_alerts(instance, resources):
    instance.report_runless_asset_event(
        FreshnessStateChange(
            key=dg.AssetKey(["marts", "fct_tickets"]),
            new_state=FreshnessState.FAIL,
            previous_state=FreshnessState.PASS,
            state_change_timestamp=time.time(),
        )
    )
    assert _tick(instance, resources)[0].startswith("1 failing")
    [alert] = _logged(resources)
    assert (alert["kind"], alert["severity"]) == ("freshness", "error")
    assert alert["title"] == "marts/fct_tickets is stale (FAIL)"


def test_history_before_the_first_tick_is_never_replayed(instance, resources, monkeypatch):
    monkeypatch.setattr(alert_sensors, "EVENT_BATCH", 1)  # one event per page: many pages
    dg.materialize([ORDERS], instance=instance)
    dg.materialize([REFUNDS], instance=instance)
    monkeypatch.setattr(alert_sensors, "FIRST_TICK_LOOKBACK_SECONDS", 0)  # all of it is "old"
    time.sleep(0.05)
    message, cursor = _tick(instance, resources)
    assert message.startswith("0 failing") and _logged(resources) == []
    assert _tick(instance, resources, cursor)[0].startswith("0 failing"), "the floor is kept"
    time.sleep(0.05)
    dg.materialize([ORDERS], instance=instance)
    message, cursor = _tick(instance, resources, cursor)
    assert message.startswith("1 failing")
    assert [a["title"] for a in _logged(resources)] == ["Check rows_present failed on orders"]
