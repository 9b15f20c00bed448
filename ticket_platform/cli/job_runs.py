"""The jobs of one headless run: each executed in process against the loaded definitions, its
outcome (materialized counters, failed checks, failed steps) recorded in the run's summary.

A step of a spine job that fails stops what follows (``JobRuns.spine``); a branch job's failure
is listed and the run goes on (``JobRuns.branch``); see ``runner.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from ticket_platform.evaluation.assets import RESPONSE_EVALUATIONS
from ticket_platform.evaluation.rubric import CRITERIA
from ticket_platform.ingest.assets import RAW_TICKETS
from ticket_platform.ingest.events_assets import RAW_TICKET_EVENTS
from ticket_platform.resources import resolved
from ticket_platform.routing.assets import ROUTE_MODEL, ROUTE_MODEL_CANDIDATE, TICKET_ROUTES
from ticket_platform.transform.assets import PROCESSED_MARTS, SUPPORT_DASHBOARD
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


def new_summary(uri: str, days: list, strays: list[str]) -> dict:
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
        "evaluation": {
            **dict.fromkeys(EVALUATION_COUNTERS, 0),
            "judge": None,
            "pass_rate": None,
            "criteria_pass_rates": {},
        },
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
        collect(result, self.summary)
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


def collect(result: dg.ExecuteInProcessResult, summary: dict) -> None:
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
            evaluation["criteria_pass_rates"] = {
                str(criterion): metadata[f"pass_rate_{criterion}"].value
                for criterion in CRITERIA
                if f"pass_rate_{criterion}" in metadata
            }
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
