"""Run the whole graph headless: ingest every landed partition, judge its responses, calibrate
the judge, build the dbt models, then summarize.

Used by ``ticket-platform run`` (and so by ``make demo``). Runs are recorded in the Dagster
instance at ``DAGSTER_HOME``, so the UI shows them afterwards.

The spine is ticket ingest → dbt build → docs: when one of its runs fails, what follows it does
not run and the exit status is 1. Everything else is a branch (lifecycle events, the judge and
its calibration, the router, the Parquet export, the dashboard): a failed branch is listed in
``summary["failed_branches"]`` and its Dagster run shows as failed, but the spine goes on and
the exit status is 3. dbt builds on whatever the branches left in their tables.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date

import dagster as dg
from rich.markup import escape

from ticket_platform.evaluation.assets import (
    CALIBRATION_JOB,
    EVALUATION_JOB,
    RESPONSE_EVALUATIONS,
)
from ticket_platform.ingest.assets import INGEST_JOB, RAW_TICKETS
from ticket_platform.ingest.events import EVENTS_PREFIX
from ticket_platform.ingest.events_assets import INGEST_EVENTS_JOB, RAW_TICKET_EVENTS
from ticket_platform.ingest.landing import Landing, landing_from_uri
from ticket_platform.ingest.tickets import TICKETS_PREFIX, discover_days
from ticket_platform.partitions import partition_bounds
from ticket_platform.resources import resolved
from ticket_platform.routing import store as routing_store
from ticket_platform.routing.artifacts import ModelStore
from ticket_platform.routing.assets import (
    RETRAIN_JOB,
    ROUTE_JOB,
    ROUTE_MODEL,
    ROUTE_MODEL_CANDIDATE,
    TICKET_ROUTES,
)
from ticket_platform.routing.feedback_assets import FEEDBACK_JOB
from ticket_platform.routing.training import training_set
from ticket_platform.settings import Settings
from ticket_platform.transform.assets import (
    DBT_BUILD_JOB,
    PROCESSED_MARTS,
    SUPPORT_DASHBOARD,
)
from ticket_platform.transform.dbt_sources import ensure_dbt_sources
from ticket_platform.warehouse.session import WarehouseSession

EXIT_OK = 0
EXIT_SPINE_FAILED = 1  # 2 is the CLI's configuration error
EXIT_BRANCH_FAILED = 3
BLOCKING_CHECK_FAILED = "DagsterAssetCheckFailedError"

INGEST_COUNTERS = (
    "files_seen",
    "files_already_loaded",
    "files_loaded",
    "files_partially_quarantined",
    "files_quarantined",
    "files_unchanged",
    "files_unreadable",
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
# Branch assets inside a spine job: their failure leaves the dbt models and docs built.
BRANCH_STEPS = {
    PROCESSED_MARTS.to_python_identifier(): "parquet export",
    SUPPORT_DASHBOARD.to_python_identifier(): "dashboard",
}
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
    store = landing_from_uri(settings.landing_uri)
    log(f"Listing {store.uri}/{TICKETS_PREFIX}/ …")
    bounds = partition_bounds(settings)
    days, strays = discover_days(store, within=bounds)
    summary = _new_summary(store.uri, days, strays)
    if strays:
        log(
            f"[yellow]{len(strays)} file(s) or folder(s) outside tickets/YYYY/MM/DD/ for the days "
            f"{bounds[0]} .. {bounds[1]} are not loaded, e.g. {strays[0]}[/yellow]"
        )
    runs = JobRuns(load_definitions(), dg.DagsterInstance.get(), summary)

    with runs.warehouse_session() as session:
        ensure_dbt_sources(session)  # empty tables rather than missing ones: dbt builds empty marts
    if days:
        log(f"Loading {len(days)} partition(s) {days[0]} .. {days[-1]} in one run …")
        if runs.spine(INGEST_JOB, days):
            load_and_judge(runs, store, days, bounds, log)
            with runs.guarded("routing"):
                route_tickets(runs, store, days, settings, log)
    else:
        log("[yellow]No ticket files found; run `ticket-platform generate` first.[/yellow]")

    if not summary["failed_spine"]:
        log("Calibrating the judge against its reference sets …")
        runs.branch("judge calibration", CALIBRATION_JOB)
        log("Building dbt models and tests …")
        runs.spine(DBT_BUILD_JOB)

    summary["tables"] = _table_counts(runs)
    docs = settings.data_dir / "dbt_docs" / "static_index.html"
    summary["docs"] = str(docs) if docs.exists() else None
    summary["success"] = not summary["failed_spine"] and not summary["failed_branches"]
    summary["exit_status"] = exit_status(summary)
    summary["seconds"] = round(time.perf_counter() - started, 2)
    for failed in summary["failed_branches"]:
        log(f"[red]Branch failed: {failed['branch']} ({failed['job']}): {escape(failed['error'])}")
    return summary


def exit_status(summary: dict) -> int:
    """1 when the spine failed, 3 when only branches failed, 0 when everything succeeded."""
    if summary["failed_spine"]:
        return EXIT_SPINE_FAILED
    return EXIT_BRANCH_FAILED if summary["failed_branches"] else EXIT_OK


def _new_summary(uri: str, days: list, strays: list[str]) -> dict:
    return {
        "success": True,
        "exit_status": EXIT_OK,
        "landing_uri": uri,
        "partitions": len(days),
        "first_partition": days[0].isoformat() if days else None,
        "last_partition": days[-1].isoformat() if days else None,
        "strays": len(strays),
        "stray_keys": strays[:100],
        "ingest": dict.fromkeys(INGEST_COUNTERS, 0),
        "events": dict.fromkeys(EVENT_COUNTERS, 0),
        "evaluation": {**dict.fromkeys(EVALUATION_COUNTERS, 0), "judge": None, "pass_rate": None},
        "routing": {
            **dict.fromkeys(ROUTING_FIELDS),
            "promoted": False,
            "tickets_routed": 0,
            "routed_by": None,  # the model version that routed the tickets
            "training_skipped": None,  # why no candidate was trained
            "routing_skipped": None,  # why no ticket was routed
        },
        "failed_checks": [],
        "warned_checks": [],
        "failed_spine": [],  # {"job", "run_id", "error"}
        "failed_branches": [],  # {"branch", "job", "run_id", "error"}
        "runs": [],
    }


class JobRuns:
    """Launches the jobs of one headless run and records each outcome in the summary."""

    def __init__(self, definitions: dg.Definitions, instance: dg.DagsterInstance, summary: dict):
        self.definitions = definitions
        self.instance = instance
        self.summary = summary

    def execute(self, job: str, days: list | None = None) -> dg.ExecuteInProcessResult:
        tags = {"launched_by": "ticket-platform run"}
        if days:
            tags["dagster/asset_partition_range_start"] = days[0].isoformat()
            tags["dagster/asset_partition_range_end"] = days[-1].isoformat()
        result = self.definitions.resolve_job_def(job).execute_in_process(
            instance=self.instance, tags=tags, raise_on_error=False, run_config=QUIET
        )
        _collect(result, self.summary)
        return result

    @contextmanager
    def warehouse_session(self) -> Iterator[WarehouseSession]:
        """A session on the code location's own warehouse resource, its ``dg.EnvVar`` secrets
        resolved as a run resolves them (outside a run they would be the variables' names)."""
        warehouse = self.definitions.resources["warehouse"]
        with resolved(warehouse) as initialized, initialized.session() as session:
            yield session

    def spine(self, job: str, days: list | None = None) -> bool:
        """Run a spine job; False when it failed. A branch asset failing inside it (the
        export or the dashboard in the dbt build) is recorded as that branch."""
        try:
            result = self.execute(job, days)
        except Exception as error:
            self.spine_failed(job, None, f"{type(error).__name__}: {error}")
            return False
        errors = _step_errors(result)
        for step in errors.keys() & BRANCH_STEPS.keys():
            self.branch_failed(BRANCH_STEPS[step], job, result.run_id, errors.pop(step))
        if errors or _failed_outside_steps(result):
            self.spine_failed(job, result.run_id, _describe(errors))
            return False
        return True

    def branch(self, name: str, job: str, days: list | None = None) -> bool:
        """Run a branch job; False (and the summary lists it) when it failed. A step stopped
        by a failed blocking check is that check's verdict, listed with the failed checks."""
        with self.guarded(name, job):
            result = self.execute(job, days)
            errors = _step_errors(result, verdicts_are_errors=False)
            if errors or _failed_outside_steps(result):
                self.branch_failed(name, job, result.run_id, _describe(errors))
                return False
            return True
        return False

    def spine_failed(self, job: str, run_id: str | None, error: str) -> None:
        self.summary["failed_spine"].append({"job": job, "run_id": run_id, "error": error})

    def branch_failed(self, name: str, job: str | None, run_id: str | None, error: str) -> None:
        self.summary["failed_branches"].append(
            {"branch": name, "job": job, "run_id": run_id, "error": error}
        )

    @contextmanager
    def guarded(self, name: str, job: str | None = None) -> Iterator[None]:
        """An exception of a branch's own code (not of a Dagster step) fails that branch only."""
        try:
            yield
        except Exception as error:
            self.branch_failed(name, job, None, f"{type(error).__name__}: {error}")


def load_and_judge(
    runs: JobRuns,
    store: Landing,
    days: list,
    bounds: tuple[date, date],
    log: Callable[[str], None],
) -> None:
    """The branches that read the loaded partitions: lifecycle events and the judge."""
    event_days, _ = discover_days(store, EVENTS_PREFIX, within=bounds)
    if event_days:
        log(f"Loading the lifecycle events of {len(event_days)} day(s) …")
        runs.branch("lifecycle events", INGEST_EVENTS_JOB, event_days)
    judge = runs.definitions.resources["judge"].kind
    log(f"Judging the responses of {len(days)} partition(s) ({judge}) …")
    runs.branch("evaluation", EVALUATION_JOB, days)


def route_tickets(
    runs: JobRuns, store: Landing, days: list, settings: Settings, log: Callable[[str], None]
) -> None:
    """Load routing feedback, retrain the router when there is enough to learn from (promoted
    unless worse), then route every day with the promoted model, if there is one.

    A blocked candidate is the promotion check doing its job, not a failed branch: the promoted
    model keeps routing, and the summary lists the failed check.
    """
    routing = runs.summary["routing"]
    log("Loading routing feedback …")
    runs.branch("routing", FEEDBACK_JOB)
    problem = training_problem(runs, settings)
    if problem is None:
        log("Training the ticket router …")
        runs.branch("routing", RETRAIN_JOB)
        blocked = f"{ROUTE_MODEL_CANDIDATE.to_user_string()}:not_worse_than_current"
        if blocked in runs.summary["failed_checks"]:
            log(
                "[yellow]The new routing model is worse than the promoted one: not promoted[/yellow]"
            )
    else:
        routing["training_skipped"] = problem
        log(f"[yellow]Routing: no model trained: {escape(problem)}")
    version = ModelStore(store).current_version()
    if version is None:
        routing["routing_skipped"] = "no routing model has been promoted yet"
        log("[yellow]Routing skipped: no routing model has been promoted yet[/yellow]")
        return
    log(f"Routing the tickets of {len(days)} partition(s) with model {version} …")
    runs.branch("routing", ROUTE_JOB, days)


def training_problem(runs: JobRuns, settings: Settings) -> str | None:
    """Why the staged tickets cannot train a router (the retrain would skip), or None."""
    with runs.warehouse_session() as session:
        routing_store.ensure_routing_tables(session)
        tickets = routing_store.training_tickets(session, settings.routing.max_training_rows)
        corrections = routing_store.corrections(session)
    return training_set(tickets, corrections).problem(settings.routing.holdout_share)


def _step_errors(
    result: dg.ExecuteInProcessResult, verdicts_are_errors: bool = True
) -> dict[str, str]:
    """step key -> the root cause it failed with ("IndexError: ..."). Without
    ``verdicts_are_errors``, steps stopped by a failed blocking check are left out."""
    errors = {}
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        if error is None:
            errors[event.step_key] = "unknown error"
            continue
        if error.cls_name == BLOCKING_CHECK_FAILED and not verdicts_are_errors:
            continue
        while error.cause is not None:
            error = error.cause
        errors[event.step_key] = error.message.strip()
    return errors


def _failed_outside_steps(result: dg.ExecuteInProcessResult) -> bool:
    return not result.success and not result.get_step_failure_events()


def _describe(errors: dict[str, str]) -> str:
    if not errors:  # e.g. a resource that could not start
        return "the run failed before its steps ran (see the run's logs in the Dagster UI)"
    return "; ".join(f"{step}: {error}" for step, error in errors.items())


def _collect(result: dg.ExecuteInProcessResult, summary: dict) -> None:
    summary["runs"].append(result.run_id)
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
            summary["routing"]["routed_by"] = materialization.metadata["model_version"].value
            break
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed:
            bucket = (
                "warned_checks"
                if evaluation.severity == dg.AssetCheckSeverity.WARN
                else ("failed_checks")
            )
            summary[bucket].append(evaluation.asset_check_key.to_user_string())


def _table_counts(runs: JobRuns) -> dict[str, int | None]:
    counts: dict[str, int | None] = {}
    with runs.warehouse_session() as session:
        for table in SUMMARY_TABLES:
            try:
                counts[table] = int(session.query(f"select count(*) from {table}")[0][0])
            except Exception:
                with suppress(Exception):  # DuckDB has no transaction to roll back
                    session.rollback()
                counts[table] = None
    return counts
