"""The alert sensors in Dagster: a failed run, a failed check and HIGH-priority failing responses
reach the local log, the audit table and a Stubbed SNS topic, each exactly once."""

from datetime import date

import boto3
import dagster as dg
import duckdb
import orjson
import pytest
from botocore.stub import ANY, Stubber

from ticket_platform.alerts import channels as channels_module
from ticket_platform.alerts.resource import AlertResource
from ticket_platform.alerts.sensors import (
    check_and_freshness_alerts,
    high_priority_response_alerts,
    run_failure_alerts,
)
from ticket_platform.evaluation.assets import build_response_evaluations_asset
from ticket_platform.evaluation.resource import JudgeResource
from ticket_platform.ingest.tickets import load_partition
from ticket_platform.settings import get_settings
from ticket_platform.warehouse.duckdb_engine import duckdb_session
from ticket_platform.warehouse.resource import DuckDBWarehouse

PARTITION = "2025-08-08"
TOPIC = "arn:aws:sns:us-east-1:123456789012:ticket-alerts"


@pytest.fixture
def alerts(tmp_path) -> AlertResource:
    return AlertResource(
        log_path=str(tmp_path / "alerts.jsonl"), audit_database=str(tmp_path / "alerts.duckdb")
    )


@pytest.fixture
def warehouse(tmp_path) -> DuckDBWarehouse:
    return DuckDBWarehouse(database=str(tmp_path / "w.duckdb"))


def _logged(alerts: AlertResource) -> list[dict]:
    try:
        with open(alerts.log_path, "rb") as handle:
            return [orjson.loads(line) for line in handle]
    except FileNotFoundError:
        return []


def _audit(alerts: AlertResource) -> list[tuple]:
    with duckdb.connect(alerts.audit_database, read_only=True) as con:
        return con.execute(
            "select kind, severity, channel, recipient, status, dedupe_key from ops.alert_log"
        ).fetchall()


@dg.op
def explode() -> None:
    raise RuntimeError("the warehouse is on fire")


@dg.job
def doomed() -> None:
    explode()


def _failed_run_context(instance, alerts, warehouse):
    result = doomed.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE]
    return dg.build_run_status_sensor_context(
        sensor_name="run_failure_alerts",
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=failure,
        resources={"alerts": alerts, "warehouse": warehouse},
    ).for_run_failure()


def test_a_failed_run_is_logged_and_audited_once(alerts, warehouse):
    with dg.DagsterInstance.ephemeral() as instance:
        context = _failed_run_context(instance, alerts, warehouse)
        run_failure_alerts(context)
        run_failure_alerts(context)  # the same failure seen again
    [logged] = _logged(alerts)
    assert logged["kind"] == "run_failure" and logged["title"] == "Run of doomed failed"
    assert "fire" in logged["reason"] or "explode" in logged["reason"]
    assert logged["link"].endswith(f"/runs/{logged['details']['run_id']}")
    [row] = _audit(alerts)
    assert row[:5] == ("run_failure", "error", "log", alerts.log_path, "sent")


def test_a_failed_run_goes_to_a_stubbed_sns_topic(alerts, warehouse, monkeypatch):
    client = boto3.client("sns", region_name="us-east-1")
    stub = Stubber(client)
    stub.add_response(
        "publish",
        {"MessageId": "m-1"},
        {
            "TopicArn": TOPIC,
            "Subject": "[ERROR] ticket-platform: Run of doomed failed",
            "Message": ANY,
            "MessageAttributes": {
                "kind": {"DataType": "String", "StringValue": "run_failure"},
                "severity": {"DataType": "String", "StringValue": "error"},
            },
        },
    )
    monkeypatch.setattr(channels_module, "_sns_client_for", lambda arn: client)
    with_sns = AlertResource(
        sns_topic_arn=TOPIC, log_path=alerts.log_path, audit_database=alerts.audit_database
    )
    with stub, dg.DagsterInstance.ephemeral() as instance:
        run_failure_alerts(_failed_run_context(instance, with_sns, warehouse))
        stub.assert_no_pending_responses()
    assert _logged(alerts) == [], "the local log is the fallback when no channel is configured"
    [row] = _audit(alerts)
    assert row[2:5] == ("sns", TOPIC, "sent")


def test_undelivered_run_alert_fails_the_tick_so_it_is_retried(alerts, warehouse, monkeypatch):
    client = boto3.client("sns", region_name="us-east-1")
    stub = Stubber(client)
    stub.add_client_error("publish", service_error_code="AuthorizationError", http_status_code=403)
    monkeypatch.setattr(channels_module, "_sns_client_for", lambda arn: client)
    with_sns = AlertResource(
        sns_topic_arn=TOPIC, log_path=alerts.log_path, audit_database=alerts.audit_database
    )
    with (
        stub,
        dg.DagsterInstance.ephemeral() as instance,
        pytest.raises(RuntimeError, match="no alert channel accepted"),
    ):
        run_failure_alerts(_failed_run_context(instance, with_sns, warehouse))
    [row] = _audit(alerts)
    assert row[4] == "failed"


@dg.asset(check_specs=[dg.AssetCheckSpec("rows_present", asset="orders")])
def orders() -> dg.MaterializeResult:
    return dg.MaterializeResult(
        check_results=[
            dg.AssetCheckResult(
                check_name="rows_present",
                passed=False,
                severity=dg.AssetCheckSeverity.ERROR,
                description="0 rows",
            )
        ]
    )


def test_failed_checks_alert_once_across_ticks_and_restarts(alerts, warehouse):
    with dg.DagsterInstance.ephemeral() as instance:
        dg.materialize([orders], instance=instance)
        resources = {"alerts": alerts, "warehouse": warehouse}
        context = dg.build_sensor_context(instance=instance, resources=resources)
        check_and_freshness_alerts(context)
        check_and_freshness_alerts(context)  # the cursor has moved on
        # A lost cursor (new sensor state) re-reads the event; the audit table drops it.
        check_and_freshness_alerts(dg.build_sensor_context(instance=instance, resources=resources))
    [logged] = _logged(alerts)
    assert logged["kind"] == "check_failure" and logged["severity"] == "error"
    assert logged["title"] == "Check rows_present failed on orders"
    assert logged["reason"] == "0 rows"
    assert len(_audit(alerts)) == 1


def test_high_priority_failing_responses_alert_once(alerts, warehouse, seed_landing, tmp_path):
    with duckdb_session(warehouse.database) as session:
        load_partition(seed_landing, session, date.fromisoformat(PARTITION))
    with dg.DagsterInstance.ephemeral() as instance:
        resources = {"alerts": alerts, "warehouse": warehouse}
        assert (
            "no new evaluations"
            in high_priority_response_alerts(
                dg.build_sensor_context(instance=instance, resources=resources)
            ).skip_message
        )
        dg.materialize(
            [build_response_evaluations_asset(get_settings())],
            partition_key=PARTITION,
            instance=instance,
            resources={"warehouse": warehouse, "judge": JudgeResource(kind="rules")},
        )
        with duckdb.connect(warehouse.database, read_only=True) as con:
            [(expected,)] = con.execute(
                "select count(*) from raw.tickets t join evaluation.response_evaluations e "
                "using (ticket_id) where t.priority = 'HIGH' and not e.all_passed"
            ).fetchall()
        assert expected > 0, "the rules judge fails some seed HIGH-priority responses"
        context = dg.build_sensor_context(instance=instance, resources=resources)
        high_priority_response_alerts(context)
        high_priority_response_alerts(
            dg.build_sensor_context(instance=instance, resources=resources)
        )  # restarted: reads the materialization again, sends nothing new
    logged = _logged(alerts)
    assert len(logged) == expected
    assert {entry["kind"] for entry in logged} == {"high_priority_response"}
    assert all(entry["details"]["ticket_id"].startswith("TKT-") for entry in logged)
    assert len(_audit(alerts)) == expected


def test_turning_alerts_on_does_not_replay_old_failures(alerts, warehouse, monkeypatch):
    from ticket_platform.alerts import sensors as alert_sensors

    with dg.DagsterInstance.ephemeral() as instance:
        dg.materialize([orders], instance=instance)
        monkeypatch.setattr(alert_sensors, "FIRST_TICK_LOOKBACK_SECONDS", -60)  # all is "old"
        resources = {"alerts": alerts, "warehouse": warehouse}
        check_and_freshness_alerts(dg.build_sensor_context(instance=instance, resources=resources))
        assert _logged(alerts) == []
        monkeypatch.setattr(alert_sensors, "FIRST_TICK_LOOKBACK_SECONDS", 3600)
        check_and_freshness_alerts(dg.build_sensor_context(instance=instance, resources=resources))
        assert len(_logged(alerts)) == 1, "a failure inside the window is alerted"


@dg.asset(check_specs=[dg.AssetCheckSpec("few_flags", asset="verdicts")])
def verdicts() -> dg.MaterializeResult:
    return dg.MaterializeResult(
        check_results=[
            dg.AssetCheckResult(
                check_name="few_flags", passed=False, severity=dg.AssetCheckSeverity.WARN
            )
        ]
    )


@pytest.mark.parametrize(("min_severity", "expected"), [("warning", 2), ("error", 1)])
def test_min_severity_drops_warnings(tmp_path, warehouse, min_severity, expected):
    alerts = AlertResource(
        log_path=str(tmp_path / "alerts.jsonl"),
        audit_database=str(tmp_path / "alerts.duckdb"),
        min_severity=min_severity,
    )
    with dg.DagsterInstance.ephemeral() as instance:
        dg.materialize([orders, verdicts], instance=instance)
        check_and_freshness_alerts(
            dg.build_sensor_context(
                instance=instance, resources={"alerts": alerts, "warehouse": warehouse}
            )
        )
    severities = sorted(entry["severity"] for entry in _logged(alerts))
    assert severities == ["error", "warning"][:expected]
