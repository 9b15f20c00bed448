"""Run the whole graph headless: ingest every landed partition, judge its responses, calibrate
the judge, build the dbt models, then summarize.

Used by ``ticket-platform run`` (and so by ``make demo``). Runs are recorded in the Dagster
instance at ``DAGSTER_HOME``, so the UI shows them afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress

import dagster as dg

from ticket_platform.defs.evaluation.assets import (
    CALIBRATION_JOB,
    EVALUATION_JOB,
    RESPONSE_EVALUATIONS,
)
from ticket_platform.defs.ingest.assets import INGEST_JOB, RAW_TICKETS
from ticket_platform.defs.lifecycle.assets import INGEST_EVENTS_JOB, RAW_TICKET_EVENTS
from ticket_platform.defs.resources import warehouse_resource
from ticket_platform.defs.routing.assets import (
    RETRAIN_JOB,
    ROUTE_JOB,
    ROUTE_MODEL,
    ROUTE_MODEL_CANDIDATE,
    TICKET_ROUTES,
)
from ticket_platform.defs.routing.feedback import FEEDBACK_JOB
from ticket_platform.defs.transform.assets import DBT_BUILD_JOB
from ticket_platform.lib.dbt_sources import ensure_dbt_sources
from ticket_platform.lib.events_ingest import EVENTS_PREFIX
from ticket_platform.lib.ingest import TICKETS_PREFIX, discover_days
from ticket_platform.lib.landing import landing_from_uri
from ticket_platform.lib.warehouse_sql import TICKETS_TABLE
from ticket_platform.routing.model import MIN_TRAINING_TICKETS
from ticket_platform.settings import Settings

INGEST_COUNTERS = (
    "files_seen",
    "files_already_loaded",
    "files_loaded",
    "files_partially_quarantined",
    "files_quarantined",
    "rows_loaded",
    "rows_quarantined",
    "duplicates_in_batch",
    "duplicates_replaced",
    "stale_versions_skipped",
)
# Dagster's console logger prints every engine event at DEBUG; the CLI wants the story, not that.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
EVENT_COUNTERS = ("files_loaded", "files_quarantined", "events_loaded", "events_quarantined")
ROUTING_FIELDS = ("model_version", "holdout_accuracy", "reference_accuracy")
EVALUATION_COUNTERS = ("items", "cached", "evaluated", "failed", "deferred", "model_calls")
SUMMARY_TABLES = (
    "raw.tickets",
    "raw.ingest_ledger",
    "raw.ticket_quarantine",
    "raw.ticket_events",
    "raw.event_quarantine",
    "evaluation.response_evaluations",
    "marts.fct_tickets",
    "marts.daily_ticket_volume",
    "marts.fct_response_evaluations",
    "marts.fct_ticket_milestones",
    "marts.ticket_metrics",
    "marts.sla_events",
    "marts.daily_backlog",
    "routing.feedback",
    "routing.ticket_routes",
    "marts.routing_quality",
)


def run_everything(settings: Settings, log: Callable[[str], None] = print) -> dict:
    from ticket_platform.definitions import defs as load_definitions

    started = time.perf_counter()
    definitions = load_definitions()
    instance = dg.DagsterInstance.get()

    store = landing_from_uri(settings.landing_uri)
    log(f"Listing {store.uri}/{TICKETS_PREFIX}/ …")
    days, strays = discover_days(store)
    summary: dict = {
        "success": True,
        "landing_uri": store.uri,
        "partitions": len(days),
        "first_partition": days[0].isoformat() if days else None,
        "last_partition": days[-1].isoformat() if days else None,
        "stray_keys": strays[:100],
        "ingest": dict.fromkeys(INGEST_COUNTERS, 0),
        "events": dict.fromkeys(EVENT_COUNTERS, 0),
        "evaluation": {**dict.fromkeys(EVALUATION_COUNTERS, 0), "judge": None, "pass_rate": None},
        "routing": {**dict.fromkeys(ROUTING_FIELDS), "promoted": False, "tickets_routed": 0},
        "failed_checks": [],
        "warned_checks": [],
        "runs": [],
    }
    if strays:
        log(f"[yellow]{len(strays)} file(s) outside tickets/YYYY/MM/DD/ are not loaded[/yellow]")

    def execute(job: str, days: list | None = None) -> None:
        tags = {"launched_by": "ticket-platform run"}
        if days:
            tags["dagster/asset_partition_range_start"] = days[0].isoformat()
            tags["dagster/asset_partition_range_end"] = days[-1].isoformat()
        result = definitions.resolve_job_def(job).execute_in_process(
            instance=instance, tags=tags, raise_on_error=False, run_config=QUIET
        )
        _collect(result, summary)

    with warehouse_resource(settings).session() as session:
        ensure_dbt_sources(session)  # empty tables rather than missing ones: dbt builds empty marts
    if days:
        log(f"Loading {len(days)} partition(s) {days[0]} .. {days[-1]} in one run …")
        execute(INGEST_JOB, days)
        event_days, _ = discover_days(store, EVENTS_PREFIX)
        if summary["success"] and event_days:
            log(f"Loading the lifecycle events of {len(event_days)} day(s) …")
            execute(INGEST_EVENTS_JOB, event_days)
        if summary["success"]:
            log(f"Judging the responses of {len(days)} partition(s) ({settings.judge.kind}) …")
            execute(EVALUATION_JOB, days)
        if summary["success"]:
            route_tickets(execute, days, summary, log, settings)
    else:
        log("[yellow]No ticket files found; run `ticket-platform generate` first.[/yellow]")

    if summary["success"]:
        log("Calibrating the judge against its reference sets …")
        execute(CALIBRATION_JOB)
    if summary["success"]:
        log("Building dbt models and tests …")
        execute(DBT_BUILD_JOB)

    summary["tables"] = _table_counts(settings)
    docs = settings.data_dir / "dbt_docs" / "static_index.html"
    summary["docs"] = str(docs) if docs.exists() else None
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary


def route_tickets(
    execute: Callable, days: list, summary: dict, log: Callable[[str], None], settings: Settings
) -> None:
    """Load routing feedback, retrain the router (promoted unless worse), route every day.

    A blocked candidate is the promotion check doing its job, not a failed run: the promoted
    model keeps routing, and the summary lists the failed check.
    """
    with warehouse_resource(settings).session() as session:
        staged = int(session.query(f"select count(*) from {TICKETS_TABLE}")[0][0])
    if staged < MIN_TRAINING_TICKETS:
        log(
            f"[yellow]{staged} ticket(s) staged: the router needs {MIN_TRAINING_TICKETS} to "
            "train; routing skipped[/yellow]"
        )
        return
    log("Loading routing feedback and training the ticket router …")
    execute(FEEDBACK_JOB)
    succeeded = summary["success"]
    execute(RETRAIN_JOB)
    blocked = f"{ROUTE_MODEL_CANDIDATE.to_user_string()}:not_worse_than_current"
    if blocked in summary["failed_checks"]:
        log("[yellow]The new routing model is worse than the promoted one: not promoted[/yellow]")
        summary["success"] = succeeded
    if summary["success"]:
        log(f"Routing the tickets of {len(days)} partition(s) …")
        execute(ROUTE_JOB, days)


def _collect(result: dg.ExecuteInProcessResult, summary: dict) -> None:
    summary["runs"].append(result.run_id)
    summary["success"] = summary["success"] and result.success
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        if materialization.asset_key == RAW_TICKETS:
            for name in INGEST_COUNTERS:
                value = materialization.metadata.get(name)
                if value is not None:
                    summary["ingest"][name] += int(value.value)
            break  # a range run reports one materialization per partition, all alike
        if materialization.asset_key == RAW_TICKET_EVENTS:
            for name in EVENT_COUNTERS:
                value = materialization.metadata.get(name)
                summary["events"][name] += int(value.value) if value is not None else 0
            break
        if materialization.asset_key == RESPONSE_EVALUATIONS:
            metadata = materialization.metadata
            evaluation = summary["evaluation"]
            for name in EVALUATION_COUNTERS:
                evaluation[name] += int(metadata[name].value) if name in metadata else 0
            evaluation["judge"] = metadata["judge"].value
            rate = metadata.get("pass_rate_all_criteria")
            evaluation["pass_rate"] = rate.value if rate is not None else None
            break
        if materialization.asset_key == ROUTE_MODEL_CANDIDATE:
            routing = summary["routing"]
            for name in ROUTING_FIELDS:
                value = materialization.metadata.get(name)
                routing[name] = value.value if value is not None else None
        if materialization.asset_key == ROUTE_MODEL:
            summary["routing"]["promoted"] = True
        if materialization.asset_key == TICKET_ROUTES:
            routed = materialization.metadata["tickets_routed"].value
            summary["routing"]["tickets_routed"] += int(routed)
            break
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed:
            bucket = (
                "warned_checks"
                if evaluation.severity == dg.AssetCheckSeverity.WARN
                else ("failed_checks")
            )
            summary[bucket].append(evaluation.asset_check_key.to_user_string())


def _table_counts(settings: Settings) -> dict[str, int | None]:
    counts: dict[str, int | None] = {}
    with warehouse_resource(settings).session() as session:
        for table in SUMMARY_TABLES:
            try:
                counts[table] = int(session.query(f"select count(*) from {table}")[0][0])
            except Exception:
                with suppress(Exception):  # DuckDB has no transaction to roll back
                    session.rollback()
                counts[table] = None
    return counts
