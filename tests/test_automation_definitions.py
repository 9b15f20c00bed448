"""The automation layer in the definitions: freshness on every asset, conditions by kind, sensors
and schedules running by default, pools and retries, and what declarative automation requests."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest
from prod_env import PROD_ENV

from ticket_platform.evaluation.assets import RESPONSE_EVALUATIONS
from ticket_platform.ingest.assets import RAW_TICKETS
from ticket_platform.pools import INGEST_POOL, LOCAL_WRITER_POOL
from ticket_platform.routing.assets import ROUTE_MODEL, TICKET_ROUTES
from ticket_platform.settings import PROJECT_ROOT

STG = dg.AssetKey(["staging", "stg_tickets"])
FCT = dg.AssetKey(["marts", "fct_tickets"])
VOLUME = dg.AssetKey(["marts", "daily_ticket_volume"])
SENSORS = {
    "landing_sensor",
    "events_landing_sensor",
    "dbt_automation_sensor",
    "evaluation_automation_sensor",
    "routing_automation_sensor",
    "routing_feedback_sensor",
    "partition_freshness_sensor",
}
SCHEDULES = {
    "daily_evaluation",
    "nightly_dbt_build",
    "hourly_source_freshness",
    "weekly_routing_retrain",
}


def _load(tmp_path: Path, monkeypatch, env: dict[str, str] | None = None) -> dg.Definitions:
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path))
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    from ticket_platform.definitions import defs

    return defs()


@pytest.fixture
def local(tmp_path, monkeypatch) -> dg.Definitions:
    return _load(tmp_path, monkeypatch)


def _window(graph, key) -> timedelta:
    return graph.get(key).freshness_policy.fail_window.to_timedelta()


def test_every_asset_has_a_freshness_policy(local):
    graph = local.resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    assert len(keys) > 10
    missing = [k.to_user_string() for k in keys if graph.get(k).freshness_policy is None]
    assert missing == []
    assert {_window(graph, k) for k in keys} == {timedelta(hours=26)}, "one default locally"


def test_prod_tightens_staging_and_fct_tickets(tmp_path, monkeypatch):
    graph = _load(tmp_path, monkeypatch, PROD_ENV).resolve_asset_graph()
    for key in (RAW_TICKETS, STG, FCT):
        assert _window(graph, key) == timedelta(hours=1), key
    assert _window(graph, VOLUME) == timedelta(hours=26)


def test_automation_conditions_by_kind(local):
    graph = local.resolve_asset_graph()
    dbt_models = [k for k in graph.get_all_asset_keys() if "dbt" in graph.get(k).kinds]
    assert dbt_models
    for key in dbt_models:
        assert graph.get(key).automation_condition.get_label() == "follows upstream", key
    for key in (RESPONSE_EVALUATIONS, TICKET_ROUTES):
        label = graph.get(key).automation_condition.get_label()
        assert label.startswith("follows raw partitions"), key
    assert graph.get(RAW_TICKETS).automation_condition is None, "the landing sensor drives it"


def test_sensors_and_schedules_run_without_a_click(local):
    repo = local.get_repository_def()
    sensors = {s.name: s for s in repo.sensor_defs}
    assert set(sensors) >= SENSORS
    assert "default_automation_condition_sensor" not in sensors, "every kind has its own sensor"
    for name in SENSORS:
        assert sensors[name].default_status == dg.DefaultSensorStatus.RUNNING, name
    schedules = {s.name: s for s in repo.schedule_defs}
    assert set(schedules) == SCHEDULES
    for schedule in schedules.values():
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_daily_partition_freshness_and_dbt_source_freshness_checks(local):
    checks = set(local.resolve_asset_graph().asset_check_keys)
    for key in (RAW_TICKETS, RESPONSE_EVALUATIONS):
        assert any(c.asset_key == key and "freshness" in c.name for c in checks), key
    assert dg.AssetCheckKey(RAW_TICKETS, "dbt_source_freshness") in checks


def _op(definitions: dg.Definitions, key: dg.AssetKey):
    return definitions.resolve_assets_def(key).op


def test_pools_and_retries(local, tmp_path, monkeypatch):
    assert _op(local, RAW_TICKETS).pool == LOCAL_WRITER_POOL
    assert _op(local, RESPONSE_EVALUATIONS).pool == LOCAL_WRITER_POOL
    assert _op(local, STG).pool == LOCAL_WRITER_POOL, "DuckDB has one writer: dbt waits its turn"
    assert _op(local, RAW_TICKETS).retry_policy.max_retries == 3
    prod = _load(tmp_path / "prod", monkeypatch, PROD_ENV)
    assert _op(prod, RAW_TICKETS).pool == INGEST_POOL
    assert _op(prod, STG).pool is None
    for key in (RAW_TICKETS, RESPONSE_EVALUATIONS):
        policy = local.resolve_assets_def(key).backfill_policy
        assert policy.max_partitions_per_run is None, "a backfill loads many days in one run"


def test_instance_config_enables_pools_retries_and_freshness(tmp_path):
    (tmp_path / "dagster.yaml").write_text((PROJECT_ROOT / "dagster.yaml").read_text())
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 2
        assert not instance.run_retries_retry_on_asset_or_op_failure
        assert instance.freshness_enabled
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1


def test_automation_follows_a_new_raw_partition(local):
    today = datetime.now(UTC).date()
    selection = dg.AssetSelection.assets(RESPONSE_EVALUATIONS, STG, FCT)
    with dg.DagsterInstance.ephemeral() as instance:
        first = dg.evaluate_automation_conditions(
            defs=local, instance=instance, asset_selection=selection
        )
        assert first.total_requested == 0, "nothing has happened yet"

        for day in (today - timedelta(days=1), date(2025, 1, 2)):  # a watched day, an old one
            instance.report_runless_asset_event(
                dg.AssetMaterialization(RAW_TICKETS, partition=day.isoformat())
            )
        second = dg.evaluate_automation_conditions(
            defs=local, instance=instance, asset_selection=selection, cursor=first.cursor
        )
        requested = second.get_requested_partitions(RESPONSE_EVALUATIONS)
        assert requested == {(today - timedelta(days=1)).isoformat()}
        assert second.get_num_requested(STG) == 1 and second.get_num_requested(FCT) == 1

        third = dg.evaluate_automation_conditions(
            defs=local, instance=instance, asset_selection=selection, cursor=second.cursor
        )
        assert third.total_requested == 0, "handled updates are not requested twice"


def test_routes_follow_a_new_raw_partition_once_a_model_is_promoted(local):
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    selection = dg.AssetSelection.assets(TICKET_ROUTES)
    with dg.DagsterInstance.ephemeral() as instance:
        first = dg.evaluate_automation_conditions(
            defs=local, instance=instance, asset_selection=selection
        )
        instance.report_runless_asset_event(
            dg.AssetMaterialization(RAW_TICKETS, partition=yesterday)
        )
        second = dg.evaluate_automation_conditions(
            defs=local, instance=instance, asset_selection=selection, cursor=first.cursor
        )
        assert second.total_requested == 0, "no model promoted yet: nothing to route with"

        instance.report_runless_asset_event(dg.AssetMaterialization(ROUTE_MODEL))
        third = dg.evaluate_automation_conditions(
            defs=local, instance=instance, asset_selection=selection, cursor=second.cursor
        )
        assert yesterday in third.get_requested_partitions(TICKET_ROUTES)


def test_the_landing_sensor_loads_judges_and_builds_the_models_in_one_run(local):
    sensor = local.resolve_sensor_def("landing_sensor")
    assert sensor.job_name == "load_and_judge"
    job = local.resolve_job_def("load_and_judge")
    selected = job.asset_layer.selected_asset_keys
    graph = local.resolve_asset_graph()
    dbt_models = {key for key in selected if "dbt" in graph.get(key).kinds}
    assert selected - dbt_models == {RAW_TICKETS, RESPONSE_EVALUATIONS}
    assert {FCT, dg.AssetKey(["marts", "fct_response_evaluations"])} <= dbt_models
    # Only models that read nothing but what the run loads: a model that also reads the events
    # or the routes waits for that load, and the dbt automation sensor builds it.
    assert dg.AssetKey(["marts", "fct_ticket_milestones"]) not in dbt_models
    assert dg.AssetKey(["marts", "routing_quality"]) not in dbt_models
    checks = {key.name for key in job.asset_layer.asset_graph.asset_check_keys}
    assert "quarantine_rate_within_limit" in checks
    assert not any("freshness" in name for name in checks), "freshness checks have their sensor"


def test_docs_are_built_by_the_nightly_dbt_job_not_on_every_change(local):
    docs = dg.AssetKey(["docs", "dbt_docs"])
    graph = local.resolve_asset_graph()
    assert FCT in graph.get(docs).parent_keys
    assert graph.get(docs).automation_condition is None
    assert docs in local.resolve_job_def("dbt_build").asset_layer.selected_asset_keys
    assert local.resolve_schedule_def("nightly_dbt_build").job_name == "dbt_build"


def test_the_file_to_mart_path_ticks_on_every_daemon_loop(local, tmp_path, monkeypatch):
    """The landing sensors and the dbt automation sensor tick on each of the daemons' 5 s loops
    (a 4 s minimum interval); the other automation sensors keep TICKET_SENSOR_INTERVAL_SECONDS."""
    hot = {"landing_sensor", "events_landing_sensor", "dbt_automation_sensor"}
    intervals = {s.name: s.minimum_interval_seconds for s in local.get_repository_def().sensor_defs}
    assert {name: intervals[name] for name in hot} == dict.fromkeys(hot, 4)
    assert intervals["evaluation_automation_sensor"] == intervals["routing_automation_sensor"] == 15
    slower = _load(tmp_path / "slow", monkeypatch, {"TICKET_HOT_PATH_INTERVAL_SECONDS": "30"})
    assert slower.resolve_sensor_def("dbt_automation_sensor").minimum_interval_seconds == 30
    assert slower.resolve_sensor_def("landing_sensor").minimum_interval_seconds == 30
