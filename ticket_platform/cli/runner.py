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
from collections.abc import Callable
from contextlib import suppress
from datetime import date

import dagster as dg
from rich.markup import escape

from ticket_platform.cli.job_runs import (
    EXIT_BRANCH_FAILED,
    EXIT_OK,
    EXIT_SPINE_FAILED,
    JobRuns,
    new_summary,
)
from ticket_platform.evaluation.assets import (
    CALIBRATION_JOB,
    EVALUATION_JOB,
)
from ticket_platform.ingest.assets import INGEST_JOB
from ticket_platform.ingest.events import EVENTS_PREFIX
from ticket_platform.ingest.events_assets import INGEST_EVENTS_JOB
from ticket_platform.ingest.landing import Landing
from ticket_platform.ingest.landing_uri import landing_from_uri
from ticket_platform.ingest.tickets import TICKETS_PREFIX, discover_days
from ticket_platform.partitions import partition_bounds
from ticket_platform.routing import store as routing_store
from ticket_platform.routing.artifacts import ModelStore
from ticket_platform.routing.assets import (
    RETRAIN_JOB,
    ROUTE_JOB,
    ROUTE_MODEL_CANDIDATE,
)
from ticket_platform.routing.feedback_assets import FEEDBACK_JOB
from ticket_platform.routing.training import training_set
from ticket_platform.settings import Settings
from ticket_platform.transform.assets import (
    DBT_BUILD_JOB,
)
from ticket_platform.transform.dbt_sources import ensure_dbt_sources

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
    summary = new_summary(store.uri, days, strays)
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
