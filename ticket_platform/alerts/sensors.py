"""Alert sensors: failed runs, failed checks and freshness, and HIGH-priority tickets whose
response failed evaluation. Each alert goes to the configured channels once (deduplicated by
the audit table ``ops.alert_log``, which records what, when, why and to whom)."""

import time
from datetime import UTC, date, datetime

import dagster as dg

from ticket_platform.alerts.alert import Alert
from ticket_platform.alerts.dispatch import DispatchReport, notify
from ticket_platform.alerts.high_priority import high_priority_failures
from ticket_platform.alerts.resource import AlertResource
from ticket_platform.evaluation.assets import RESPONSE_EVALUATIONS
from ticket_platform.warehouse.duckdb_engine import is_lock_conflict
from ticket_platform.warehouse.resource import WarehouseResource

EVENT_BATCH = 500
# A sensor's first tick (no cursor yet) looks back this far, not over the instance's whole
# history: turning alerts on must not replay years of old failures.
FIRST_TICK_LOOKBACK_SECONDS = 24 * 3600
ALERT_SENSOR_INTERVAL_SECONDS = 60
_CHECK_SEVERITY = {dg.AssetCheckSeverity.ERROR: "error", dg.AssetCheckSeverity.WARN: "warning"}


def _send(
    context, alerts: AlertResource, warehouse: WarehouseResource, batch: list[Alert]
) -> DispatchReport:
    with alerts.audit(warehouse) as session:
        report = notify(session, batch, alerts.channels())
    context.log.info(
        f"{report.sent} alert(s) sent, {report.failed} failed (retried next tick), "
        f"{report.skipped_duplicates} already sent"
    )
    return report


def _deliver(
    context, alerts: AlertResource, warehouse: WarehouseResource, batch: list[Alert]
) -> dg.SkipReason | None:
    """Send the batch; a skip reason when the next tick must try again (the audit table is
    locked, or some alert reached no channel). Delivered alerts are never sent twice."""
    try:
        report = _send(context, alerts, warehouse, batch)
    except Exception as error:
        if is_lock_conflict(error):
            return dg.SkipReason(f"alert audit table busy; retrying next tick ({error})")
        raise
    if report.failed:
        return dg.SkipReason(f"{report.failed} alert(s) undelivered; retrying next tick")
    return None


def run_failure_alert(run: dg.DagsterRun, message: str, ui_url: str) -> Alert:
    partition = run.tags.get("dagster/partition") or run.tags.get(
        "dagster/asset_partition_range_start"
    )
    return Alert(
        kind="run_failure",
        severity="error",
        title=f"Run of {run.job_name} failed",
        reason=message or "the run failed",
        details={
            "run_id": run.run_id,
            "job": run.job_name,
            "partition": partition,
            "retry_number": run.tags.get("dagster/retry_number", "0"),
        },
        dedupe_key=f"run_failure:{run.run_id}",
        link=f"{ui_url}/runs/{run.run_id}",
    )


def check_failure_alert(record: dg.EventLogRecord, ui_url: str) -> Alert | None:
    """An alert for a failed asset check evaluation, None for a passing one."""
    evaluation = record.event_log_entry.dagster_event.event_specific_data
    if evaluation.passed:
        return None
    asset = evaluation.asset_key.to_user_string()
    description = evaluation.description or ""
    return Alert(
        kind="freshness" if "freshness" in evaluation.check_name else "check_failure",
        severity=_CHECK_SEVERITY.get(evaluation.severity, "error"),
        title=f"Check {evaluation.check_name} failed on {asset}",
        reason=description or f"the asset check {evaluation.check_name} did not pass",
        details={
            "asset": asset,
            "check": evaluation.check_name,
            "partition": evaluation.partition,
            "run_id": record.run_id,
            **{k: str(v.value) for k, v in list(evaluation.metadata.items())[:6]},
        },
        dedupe_key=f"check_failure:{asset}:{evaluation.check_name}:{record.storage_id}",
        link=f"{ui_url}/assets/{'/'.join(evaluation.asset_key.path)}?view=checks",
    )


def freshness_alert(record: dg.EventLogRecord, ui_url: str) -> Alert | None:
    """An alert when an asset's FreshnessPolicy turns WARN or FAIL."""
    change = record.event_log_entry.dagster_event.event_specific_data
    state = change.new_state.value
    if state not in ("WARN", "FAIL"):
        return None
    asset = change.key.to_user_string()
    return Alert(
        kind="freshness",
        severity="error" if state == "FAIL" else "warning",
        title=f"{asset} is stale ({state})",
        reason=f"{asset} was not updated within its freshness policy's "
        f"{'fail' if state == 'FAIL' else 'warn'} window",
        details={"asset": asset, "previous_state": change.previous_state.value, "state": state},
        dedupe_key=f"freshness:{asset}:{record.storage_id}",
        occurred_at=datetime.fromtimestamp(change.state_change_timestamp, UTC),
        link=f"{ui_url}/assets/{'/'.join(change.key.path)}",
    )


@dg.run_failure_sensor(
    name="run_failure_alerts",
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Every failed run of this code location reaches the alert channels.",
)
def run_failure_alerts(
    context: dg.RunFailureSensorContext, alerts: AlertResource, warehouse: WarehouseResource
) -> None:
    message = context.failure_event.message if context.failure_event else ""
    alert = run_failure_alert(context.dagster_run, message, alerts.ui_url)
    if _send(context, alerts, warehouse, [alert]).failed:
        # Failing the tick keeps the run in the sensor's queue: the next tick tries again.
        raise RuntimeError(f"no alert channel accepted the alert for run {alert.details['run_id']}")


_WATCHED_EVENTS = (
    (dg.DagsterEventType.ASSET_CHECK_EVALUATION, check_failure_alert),
    (dg.DagsterEventType.FRESHNESS_STATE_CHANGE, freshness_alert),
)
# One tick reads pages of events until it is caught up, an alert batch is full or this many
# seconds have passed (a first tick on a long history; the sensor's own timeout is 60 s).
READ_BUDGET_SECONDS = 20.0


def parse_alert_cursor(cursor: str | None, now: float) -> tuple[list[int], float]:
    """(last storage id handled per watched event type, oldest event timestamp to alert on).

    The cursor is ``"<check id>,<freshness id>,<floor>"``. A first tick (no cursor) sets the
    floor to ``FIRST_TICK_LOOKBACK_SECONDS`` ago, for good: turning alerts on never replays the
    older history, however many ticks reading it takes. A cursor of two ids (written before the
    floor existed) has no floor."""
    if not cursor:
        return [0] * len(_WATCHED_EVENTS), now - FIRST_TICK_LOOKBACK_SECONDS
    parts = cursor.split(",")
    ids = [int(part) for part in parts[: len(_WATCHED_EVENTS)]]
    floor = float(parts[len(_WATCHED_EVENTS)]) if len(parts) > len(_WATCHED_EVENTS) else 0.0
    return ids, floor


def new_event_records(
    instance: dg.DagsterInstance, event_type: dg.DagsterEventType, after: int
) -> list[dg.EventLogRecord]:
    """Events of one type stored after the storage id ``after``, oldest first (a page).

    Read from the cross-run index (``get_logs_for_all_runs_by_log_id``), whose ids grow across
    runs on every storage: the default run-sharded SQLite of ``dagster dev`` (which refuses
    ``get_event_records`` for check evaluations with a plain id cursor), consolidated SQLite and
    PostgreSQL. Check evaluations and freshness changes are mirrored into that index."""
    entries = instance.event_log_storage.get_logs_for_all_runs_by_log_id(
        after_cursor=after, dagster_event_type=event_type, limit=EVENT_BATCH
    )
    return [
        dg.EventLogRecord(storage_id=storage_id, event_log_entry=entry)
        for storage_id, entry in sorted(entries.items())
    ]


@dg.sensor(
    name="check_and_freshness_alerts",
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=ALERT_SENSOR_INTERVAL_SECONDS,
    description=(
        "Failed asset checks (dbt tests, quarantine rate, partition and source freshness, "
        "judge checks) and assets whose freshness policy turns WARN or FAIL."
    ),
)
def check_and_freshness_alerts(
    context: dg.SensorEvaluationContext, alerts: AlertResource, warehouse: WarehouseResource
) -> dg.SkipReason:
    started = time.monotonic()
    cursors, floor = parse_alert_cursor(context.cursor, time.time())
    batch: list[Alert] = []
    for index, (event_type, to_alert) in enumerate(_WATCHED_EVENTS):
        while len(batch) < EVENT_BATCH and time.monotonic() - started < READ_BUDGET_SECONDS:
            records = new_event_records(context.instance, event_type, cursors[index])
            for record in records:
                if record.timestamp >= floor:
                    alert = to_alert(record, alerts.ui_url)
                    if alert is not None and alerts.wants(alert.severity):
                        batch.append(alert)
                cursors[index] = record.storage_id
            if len(records) < EVENT_BATCH:
                break
    retry = _deliver(context, alerts, warehouse, batch) if batch else None
    if retry:
        return retry  # the cursor stays: the audit table skips what was delivered
    context.update_cursor(",".join([*(str(c) for c in cursors), repr(floor)]))
    return dg.SkipReason(f"{len(batch)} failing check or freshness event(s) handled")


@dg.sensor(
    name="high_priority_response_alerts",
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=ALERT_SENSOR_INTERVAL_SECONDS,
    description=(
        "After each evaluation of a day, alerts on every HIGH-priority ticket whose generated "
        "response failed the rubric (once per ticket, judge and verdict)."
    ),
)
def high_priority_response_alerts(
    context: dg.SensorEvaluationContext, alerts: AlertResource, warehouse: WarehouseResource
) -> dg.SkipReason:
    records_filter = (
        dg.AssetRecordsFilter(
            RESPONSE_EVALUATIONS, after_timestamp=time.time() - FIRST_TICK_LOOKBACK_SECONDS
        )
        if context.cursor is None
        else RESPONSE_EVALUATIONS
    )
    result = context.instance.fetch_materializations(
        records_filter, limit=EVENT_BATCH, cursor=context.cursor, ascending=True
    )
    days = sorted({date.fromisoformat(r.partition_key) for r in result.records if r.partition_key})
    if not days:
        if result.records:
            context.update_cursor(result.cursor)
        return dg.SkipReason("no new evaluations")
    link = f"{alerts.ui_url}/assets/{'/'.join(RESPONSE_EVALUATIONS.path)}"
    try:
        with warehouse.session(lock_wait_seconds=15) as session:
            found = high_priority_failures(session, days, link=link)
    except Exception as error:
        if is_lock_conflict(error):
            return dg.SkipReason(f"warehouse busy; retrying next tick ({error})")
        raise
    retry = _deliver(context, alerts, warehouse, found) if found else None
    if retry:
        return retry
    context.update_cursor(result.cursor)
    return dg.SkipReason(
        f"{len(days)} evaluated day(s) checked: {len(found)} failing HIGH-priority response(s)"
    )


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        sensors=[run_failure_alerts, check_and_freshness_alerts, high_priority_response_alerts]
    )
