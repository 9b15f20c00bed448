"""``ticket-platform``: create the tables, run the whole graph headless, judge, route, publish
docs.

The demo package adds ``generate`` and ``simulate`` when it is installed (``cli/console.py`` holds
what the commands share; ``cli/summary.py`` prints what a run did)."""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated

import typer

from ticket_platform.cli.console import err, keep_sigterm_working, settings_or_exit
from ticket_platform.cli.summary import print_calibration, print_summary
from ticket_platform.settings import PROJECT_ROOT, SettingsError

app = typer.Typer(
    help="Open data platform for AI-assisted customer support.",
    no_args_is_help=True,
    add_completion=False,
)


def _add_installed_commands(application: typer.Typer) -> None:
    """Commands other installed packages add (the demo's ``generate`` and ``simulate``). A
    package whose commands fail to load is named on stderr; the platform's own commands stay."""
    for entry_point in entry_points(group="ticket_platform.cli"):
        try:
            entry_point.load()(application)
        except Exception as error:  # an optional add-on must not take `run` down with it
            err.print(
                f"[yellow]commands of {entry_point.value} not loaded: "
                f"{type(error).__name__}: {error}[/yellow]"
            )


@dataclass
class InitReport:
    """What ``init_tables`` did: the tables it created and those that already existed."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def init_tables(warehouse, alerts) -> InitReport:
    """Create every table the sensors and dbt's sources read, and the alert audit table, where
    missing (idempotent). ``warehouse`` and ``alerts`` are the code location's resources."""
    from ticket_platform.transform.dbt_sources import create_dbt_sources

    report = InitReport()
    with warehouse.session() as session:
        report.created, report.existing = create_dbt_sources(session)
    audit_table, created = alerts.create_audit_table(warehouse)
    (report.created if created else report.existing).append(audit_table)
    return report


@app.command()
def init(
    as_json: Annotated[bool, typer.Option("--json", help="Print what was done as JSON")] = False,
) -> None:
    """Create the warehouse tables the sensors and dbt read (idempotent).

    Run once before the daemon starts (the production image does): sensor ticks only read, so
    they never keep a Redshift Serverless workgroup busy with DDL.
    """
    from ticket_platform.resources import platform_resources, resolved

    settings = settings_or_exit()
    try:
        resources = platform_resources(settings)
    except SettingsError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from error
    with resolved(resources["warehouse"]) as warehouse, resolved(resources["alerts"]) as alerts:
        report = init_tables(warehouse, alerts)
    if as_json:
        sys.stdout.write(
            json.dumps({"created": report.created, "existing": report.existing}) + "\n"
        )
        return
    for table in report.created:
        print(f"created  {table}")
    for table in report.existing:
        print(f"exists   {table}")
    print(f"{len(report.created)} created, {len(report.existing)} already present")


@app.command()
def run(
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
) -> None:
    """Materialize the whole graph for every partition present in the landing zone."""
    from ticket_platform.cli.headless import start_headless_run
    from ticket_platform.cli.runner import run_everything

    keep_sigterm_working()
    settings = settings_or_exit()
    home = _ensure_dagster_home(settings)
    # No daemon runs beside us: recover runs killed mid-flight (their pool slots) ourselves.
    start_headless_run(home, log=lambda message: err.print(message, soft_wrap=True))
    with _stdout_to_stderr():  # dbt and Dagster print freely; stdout stays for the summary
        summary = run_everything(settings, log=lambda message: err.print(message))
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2, default=str) + "\n")
    else:
        print_summary(summary)
    if summary["exit_status"]:  # 1: the spine failed; 3: only optional branches failed
        raise typer.Exit(code=summary["exit_status"])


@app.command()
def calibrate(
    judge: Annotated[
        str | None, typer.Option(help="rules | bedrock | langchain (default: TICKET_JUDGE)")
    ] = None,
    reference: Annotated[
        str,
        typer.Option(
            help="seed-nova-pro or team-labelled (built in), or a labelled .jsonl/.csv file"
        ),
    ] = "seed-nova-pro",
    show: Annotated[int, typer.Option(min=0, help="Disagreements to list per criterion")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON")] = False,
) -> None:
    """Grade a labelled reference set with a judge and report agreement per criterion."""
    from ticket_platform.evaluation.calibration import (
        compare,
        disagreements,
        load_reference,
        verdicts_of,
    )
    from ticket_platform.evaluation.judge import judge_id
    from ticket_platform.evaluation.resource import JudgeResource
    from ticket_platform.evaluation.rules import fact_check
    from ticket_platform.evaluation.runner import evaluate
    from ticket_platform.settings import JUDGE_KINDS

    settings = settings_or_exit()
    if judge is not None and judge not in JUDGE_KINDS:
        err.print(f"[red]--judge must be one of {', '.join(JUDGE_KINDS)}[/red]")
        raise typer.Exit(code=2)
    configured = JudgeResource.from_env(settings)  # the code location's judge, as settings_or_exit
    judge_resource = configured.model_copy(update={"kind": judge}) if judge else configured
    try:
        grader = judge_resource.build()
        try:
            labelled = load_reference(reference, stored=_warehouse_tickets(settings))
        except _WarehouseUnreadable as error:
            err.print(
                f"[yellow]Stored tickets not readable ({error}); rows without a "
                "response_text are rejected[/yellow]"
            )
            labelled = load_reference(reference)
    except (FileNotFoundError, SettingsError) as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from error
    _report_reference_rows(labelled)
    items = [entry.item for entry in labelled.items]
    err.print(f"Grading {len(items)} responses of {labelled.name} with {judge_id(grader)} …")
    run = evaluate(
        items,
        grader,
        partition_date=datetime.now(UTC).date(),
        limits=judge_resource.limits(),
        price=judge_resource.price(grader),
        fact_check=fact_check,
    )
    agreements = compare(verdicts_of(run.rows), labelled)
    result = {
        "reference": labelled.name,
        "labelled_by": labelled.labelled_by,
        "judge": judge_id(grader),
        "failed": run.stats.failed,
        "deferred": run.stats.deferred,
        "model_calls": run.stats.model_calls,
        "cost_usd": round(run.stats.cost_usd, 6),
        "rejected": list(labelled.rejected),
        "joined": list(labelled.joined),
        "agreements": [a.as_dict() for a in agreements],
        "disagreements": disagreements(run.rows, labelled),
    }
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return
    print_calibration(result, show)
    _print_intervals(agreements)


class _WarehouseUnreadable(Exception):
    """The stored tickets a reference row would be joined to could not be read."""


def _warehouse_tickets(settings):
    """``calibrate``'s lookup of stored tickets by id (the warehouse opened only when called)."""

    def lookup(ticket_ids):
        from ticket_platform.evaluation.store import stored_items
        from ticket_platform.resources import resolved, warehouse_from_env

        try:
            with (
                resolved(warehouse_from_env(settings)) as warehouse,
                warehouse.session() as session,
            ):
                return stored_items(session, ticket_ids)
        except Exception as error:  # any engine's connection or lock error: fall back to reject
            raise _WarehouseUnreadable(f"{type(error).__name__}: {error}") from error

    return lookup


def _report_reference_rows(labelled, shown: int = 5) -> None:
    """Say how many reference rows were joined or rejected (and why); exit 1 when none is left."""
    from rich.markup import escape

    if labelled.joined:
        err.print(
            f"{labelled.name}: {len(labelled.joined)} row(s) without a response_text graded with "
            "the reply stored in the warehouse for their ticket_id"
        )
    if labelled.rejected:
        err.print(f"[yellow]{labelled.name}: {len(labelled.rejected)} row(s) rejected[/yellow]")
        for reason in labelled.rejected[:shown]:
            err.print(f"[yellow]  {escape(reason)}[/yellow]", soft_wrap=True)
        if len(labelled.rejected) > shown:
            err.print(f"[yellow]  … and {len(labelled.rejected) - shown} more[/yellow]")
    if not labelled.items:
        err.print(f"[red]{labelled.name}: no usable row, so nothing to compare[/red]")
        raise typer.Exit(code=1)


def _print_intervals(agreements) -> None:
    """The 95% confidence interval of each statistic per criterion, under the calibration table."""
    from rich.console import Console
    from rich.table import Table

    from ticket_platform.evaluation.report import with_interval

    table = Table(title="95% confidence intervals (Wilson; kappa: large-sample standard error)")
    for name in ("criterion", "agreement", "kappa", "TPR", "TNR"):
        table.add_column(name, justify="left" if name == "criterion" else "right")
    for a in agreements:
        table.add_row(
            a.criterion,
            with_interval(a.agreement, a.agreement_ci),
            with_interval(a.cohen_kappa, a.cohen_kappa_ci, percent=False),
            with_interval(a.true_positive_rate, a.true_positive_rate_ci),
            with_interval(a.true_negative_rate, a.true_negative_rate_ci),
        )
    Console().print(table)


@app.command()
def docs(
    serve: Annotated[bool, typer.Option(help="Serve the site on http://127.0.0.1:PORT")] = False,
    port: Annotated[int, typer.Option(help="Port for --serve")] = 8080,
) -> None:
    """Generate the dbt docs site (models, columns, tests, lineage) into <data dir>/dbt_docs.

    The printed static_index.html opens from disk; --serve serves index.html over HTTP.
    """
    from ticket_platform.transform.docs import generate_docs
    from ticket_platform.transform.project import dbt_cli

    settings = settings_or_exit()
    with _stdout_to_stderr():
        site = generate_docs(settings, dbt_cli(settings))
    err.print(
        f"{site.documented_models}/{site.models} models and {site.documented_columns}/"
        f"{site.columns} columns described"
    )
    print(site.static_page)
    if serve:
        from ticket_platform.transform.docs_server import FolderDocsSource

        _serve_docs(FolderDocsSource(site.folder), "127.0.0.1", port, "/")


@app.command("docs-server")
def docs_server_command(
    uri: Annotated[
        str | None,
        typer.Option(help="s3://bucket/prefix or folder of the site (default TICKET_DOCS_URI)"),
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 3001,
    base_path: Annotated[str, typer.Option(help="URL path the site is served under")] = "/docs",
) -> None:
    """Serve the published dbt docs (what `docs` or the dbt_docs asset wrote) under BASE_PATH.

    The batch stack runs this behind its load balancer, which authenticates every request with
    the Dagster UI's login and forwards /docs/* here. /health answers 200 for health checks.
    """
    from ticket_platform.transform.docs_server import docs_source

    uri = uri or os.environ.get("TICKET_DOCS_URI")
    if not uri:
        err.print("[red]No site to serve:[/] pass --uri or set TICKET_DOCS_URI")
        raise typer.Exit(2)
    try:
        source = docs_source(uri)
    except ValueError as error:
        err.print(f"[red]{error}[/]")
        raise typer.Exit(2) from error
    _serve_docs(source, host, port, base_path)


def _serve_docs(source, host: str, port: int, base_path: str) -> None:
    import logging

    from ticket_platform.transform.docs_server import docs_server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    with docs_server(source, host=host, port=port, base_path=base_path) as server:
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        path = "/" + base_path.strip("/")
        err.print(f"dbt docs from {source.uri} on http://{shown}:{port}{path} (Ctrl+C to stop)")
        with suppress(KeyboardInterrupt):
            server.serve_forever()


@app.command()
def route(
    text: Annotated[str, typer.Option("--text", help="The ticket's description (or all of it)")],
    subject: Annotated[str, typer.Option(help="The ticket's subject, if separate")] = "",
    top: Annotated[int, typer.Option(min=1, max=20, help="How many teams to list")] = 3,
    landing: Annotated[
        str | None, typer.Option(help="Folder or s3://bucket/prefix (default TICKET_LANDING_URI)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """Predict the owning team of a ticket with the promoted routing model."""
    from ticket_platform.ingest.landing_uri import landing_from_uri
    from ticket_platform.routing.artifacts import ModelNotFoundError, ModelStore
    from ticket_platform.routing.dataset import routing_text
    from ticket_platform.routing.model import rank_teams

    settings = settings_or_exit()
    store = ModelStore(landing_from_uri(landing or settings.landing_uri))
    try:
        model, card = store.current()
    except ModelNotFoundError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(code=1) from error
    if not (subject.strip() or text.strip()):
        err.print("[red]--text is empty: nothing to route[/red]")
        raise typer.Exit(code=2)
    ranked = rank_teams(model, routing_text(subject, text), top)
    if as_json:
        teams = [{"team": team, "probability": round(p, 4)} for team, p in ranked]
        sys.stdout.write(json.dumps({"model_version": card.version, "teams": teams}) + "\n")
        return
    team, probability = ranked[0]
    print(f"{team}\t{probability:.1%}")
    for other, p in ranked[1:]:
        err.print(f"  then {other} ({p:.1%})")
    err.print(f"model {card.version} ({card.estimator}, trained {card.trained_at[:10]})")


def _ensure_dagster_home(settings) -> Path:
    """Runs go to DAGSTER_HOME (default .data/dagster_home) so `make ui` shows them.

    A new DAGSTER_HOME gets the project's dagster.yaml (pools, run retries, freshness) and its
    storage, created by one process at a time: two first runs at once would both create the
    schema and leave it unusable.
    """
    from ticket_platform.cli.headless import ensure_instance

    home = Path(os.environ.setdefault("DAGSTER_HOME", str(settings.data_dir / "dagster_home")))
    project_config = PROJECT_ROOT / "dagster.yaml"
    ensure_instance(
        home,
        project_config.read_text() if project_config.exists() else "telemetry:\n  enabled: false\n",
    )
    return home


@contextmanager
def _stdout_to_stderr():
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


_add_installed_commands(app)

if __name__ == "__main__":
    app()
