"""The landing sensor on a local folder and on S3 (moto): what it requests, and what it never
misses or repeats."""

import subprocess
import sys
from datetime import date

import boto3
import dagster as dg
import orjson
import pytest
from moto import mock_aws

from ticket_platform.ingest import sensor as landing_sensor_module
from ticket_platform.ingest.assets import build_raw_tickets_asset
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.ingest.s3_landing import S3Landing
from ticket_platform.ingest.sensor import PARTITION_TAG, build_landing_sensor
from ticket_platform.settings import get_settings
from ticket_platform.warehouse.resource import DuckDBWarehouse

DAY = date(2025, 8, 8)  # the seed tickets' day
TODAY = date(2025, 8, 9)
PREFIX = "tickets/2025/08/08/"


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path / "data"))
    return get_settings()


def _tick(settings, landing_uri, warehouse_path, **resource_args):
    sensor = build_landing_sensor(settings, today=lambda: TODAY)
    context = dg.build_sensor_context(
        instance=dg.DagsterInstance.ephemeral(),
        resources={
            "landing": LandingResource(uri=landing_uri, **resource_args),
            "warehouse": DuckDBWarehouse(database=str(warehouse_path)),
        },
    )
    return sensor(context)


def _requests(result) -> list[dg.RunRequest]:
    return list(result.run_requests) if isinstance(result, dg.SensorResult) else []


def _load(settings, landing_uri, warehouse_path) -> None:
    result = dg.materialize(
        [build_raw_tickets_asset(settings)],
        partition_key=DAY.isoformat(),
        resources={
            "landing": LandingResource(uri=landing_uri),
            "warehouse": DuckDBWarehouse(database=str(warehouse_path)),
        },
    )
    assert result.success


def test_one_run_per_day_not_per_file(settings, seed_landing, tmp_path):
    [request] = _requests(_tick(settings, seed_landing.uri, tmp_path / "w.duckdb"))
    assert request.partition_key == DAY.isoformat()
    assert request.tags[PARTITION_TAG] == DAY.isoformat()
    assert request.tags["ticket/pending_files"] == "100"


def test_same_pending_files_give_the_same_run_key(settings, seed_landing, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    [first] = _requests(_tick(settings, seed_landing.uri, warehouse))
    [again] = _requests(_tick(settings, seed_landing.uri, warehouse))
    assert first.run_key == again.run_key, "Dagster drops a request whose run key it has seen"
    seed_landing.write(PREFIX + "ticket_TKT-NEW.json", b"{}")
    [changed] = _requests(_tick(settings, seed_landing.uri, warehouse))
    assert changed.run_key != first.run_key


def test_loaded_files_are_not_requested_again_after_a_restart(settings, seed_landing, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    _load(settings, seed_landing.uri, warehouse)
    # A new instance (a restarted daemon) has no cursor: the ledger alone says what is loaded.
    result = _tick(settings, seed_landing.uri, warehouse)
    assert isinstance(result, dg.SkipReason)
    assert "already loaded" in result.skip_message


def test_late_file_with_a_lexically_smaller_key_is_picked_up(settings, seed_landing, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    _load(settings, seed_landing.uri, warehouse)
    late = PREFIX + "ticket_AAA-late.json"
    assert late < min(o.key for o in seed_landing.list(PREFIX))
    seed_landing.write(late, b'{"late": true}')
    [request] = _requests(_tick(settings, seed_landing.uri, warehouse))
    assert request.partition_key == DAY.isoformat()
    assert request.tags["ticket/pending_files"] == "1"


def test_a_rewritten_file_is_new_again(settings, seed_landing, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    _load(settings, seed_landing.uri, warehouse)
    key = next(iter(seed_landing.list(PREFIX))).key
    seed_landing.write(key, seed_landing.read(key) + b"\n")
    [request] = _requests(_tick(settings, seed_landing.uri, warehouse))
    assert request.tags["ticket/pending_files"] == "1"


def test_days_before_the_lookback_are_not_listed(tmp_path, monkeypatch, seed_lines):
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path / "data"))
    landing = LocalLanding(tmp_path / "landing")
    landing.write("tickets/2025/08/01/ticket_old.json", seed_lines[0])
    landing.write("tickets/2025/08/09/ticket_today.json", seed_lines[1])
    monkeypatch.setenv("TICKET_SENSOR_LOOKBACK_DAYS", "2")
    requested = _requests(_tick(get_settings(), landing.uri, tmp_path / "w.duckdb"))
    assert [r.partition_key for r in requested] == ["2025-08-09"]
    monkeypatch.setenv("TICKET_SENSOR_LOOKBACK_DAYS", "7")
    requested = _requests(_tick(get_settings(), landing.uri, tmp_path / "w.duckdb"))
    assert [r.partition_key for r in requested] == ["2025-08-01", "2025-08-09"]


def test_an_empty_landing_zone_is_a_skip(settings, tmp_path):
    result = _tick(settings, str(tmp_path / "empty"), tmp_path / "w.duckdb")
    assert isinstance(result, dg.SkipReason) and "no files" in result.skip_message


def test_a_warehouse_locked_by_a_running_load_skips_the_tick(
    settings, seed_landing, tmp_path, monkeypatch
):
    warehouse = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', "
            "flush=True); time.sleep(60)",
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setattr(landing_sensor_module, "LOCK_WAIT_SECONDS", 0.5)
        result = _tick(settings, seed_landing.uri, warehouse)
        assert isinstance(result, dg.SkipReason)
        assert "locked by a running load" in result.skip_message
    finally:
        holder.kill()
        holder.wait()
    assert _requests(_tick(settings, seed_landing.uri, warehouse)), "the next tick finds them"


@mock_aws
def test_s3_listing_is_paginated_beyond_1000_keys(settings, seed_lines, tmp_path):
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="lake")
    landing = S3Landing(client, "lake", "landing")
    base = orjson.loads(seed_lines[0])
    for i in range(1_050):
        landing.write(f"{PREFIX}ticket_{i:06d}.json", orjson.dumps(base | {"ticket_id": str(i)}))
    landing.write("tickets/2025/08/09/ticket_x.json", seed_lines[1])
    requested = _requests(
        _tick(settings, "s3://lake/landing", tmp_path / "w.duckdb", region_name="us-east-1")
    )
    assert {r.partition_key: r.tags["ticket/pending_files"] for r in requested} == {
        "2025-08-08": "1050",
        "2025-08-09": "1",
    }


def test_a_day_whose_load_is_running_is_not_requested_again(settings, seed_landing, tmp_path):
    sensor = build_landing_sensor(settings, today=lambda: TODAY)
    resources = {
        "landing": LandingResource(uri=seed_landing.uri),
        "warehouse": DuckDBWarehouse(database=str(tmp_path / "w.duckdb")),
    }
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_run(
            dg.DagsterRun(
                job_name="load_and_judge",
                run_id="running-load",
                status=dg.DagsterRunStatus.STARTED,
                tags={PARTITION_TAG: DAY.isoformat()},
            )
        )
        result = sensor(dg.build_sensor_context(instance=instance, resources=resources))
        assert isinstance(result, dg.SkipReason) and "being loaded" in result.skip_message
        # The load ends (here: it fails); the files it did not load are requested again.
        instance.report_run_failed(instance.get_run_by_id("running-load"))
        [request] = _requests(
            sensor(dg.build_sensor_context(instance=instance, resources=resources))
        )
        assert request.partition_key == DAY.isoformat()


def test_the_events_feed_watches_events_only(settings, seed_landing, tmp_path):
    from ticket_platform.ingest.events_sensor import EVENTS_FEED

    sensor = build_landing_sensor(settings, today=lambda: TODAY, feed=EVENTS_FEED)
    resources = {
        "landing": LandingResource(uri=seed_landing.uri),
        "warehouse": DuckDBWarehouse(database=str(tmp_path / "w.duckdb")),
    }
    with dg.DagsterInstance.ephemeral() as instance:
        context = dg.build_sensor_context(instance=instance, resources=resources)
        assert isinstance(sensor(context), dg.SkipReason), "ticket files are not events"
        seed_landing.write("events/2025/08/09/ticket-events-1.jsonl.gz", b"\x1f\x8b")
        [request] = _requests(sensor(context))
    assert sensor.job_name == "ingest_events"
    assert request.partition_key == "2025-08-09"
    assert request.tags["ticket/events_partition"] == "2025-08-09"
