"""``ticket-platform``: generate tickets, run the whole graph headless, print what happened."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from ticket_platform.contracts import lake_key
from ticket_platform.settings import PROJECT_ROOT, SettingsError, get_settings

app = typer.Typer(
    help="Open data platform for AI-assisted customer support.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)


def _progress(console: Console) -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        "[progress.percentage]{task.percentage:>3.0f}%",
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal and os.environ.get("TICKET_PROGRESS") != "1",
    )


# Options shared by `generate` and `simulate`.
DaysOption = Annotated[int, typer.Option(min=1, help="Spread over this many days, ending --end")]
EndOption = Annotated[
    str | None, typer.Option(help="Last day (YYYY-MM-DD); default yesterday (UTC)")
]
IdOffsetOption = Annotated[
    int, typer.Option(help="Start of the id sequence; use a new offset to add more tickets")
]
LandingOption = Annotated[
    str | None, typer.Option(help="Folder or s3://bucket/prefix (default TICKET_LANDING_URI)")
]


def _day_range(days: int, end: str | None) -> tuple[date, date]:
    """``days`` days ending ``end`` (default yesterday, UTC)."""
    last = date.fromisoformat(end) if end else datetime.now(UTC).date() - timedelta(days=1)
    return last - timedelta(days=days - 1), last


@app.command()
def generate(
    count: Annotated[int, typer.Option(min=1, help="How many tickets to write")] = 3_000,
    days: DaysOption = 14,
    end: EndOption = None,
    seed: Annotated[int, typer.Option(help="Same seed, same tickets")] = 42,
    id_offset: IdOffsetOption = 0,
    landing: LandingOption = None,
    workers: Annotated[int, typer.Option(min=1, help="Parallel writes (S3)")] = 1,
    overwrite: Annotated[
        bool, typer.Option(help="Rewrite files that already exist (local landing only)")
    ] = False,
) -> None:
    """Write synthetic processed tickets in the S3 layout tickets/YYYY/MM/DD/ticket_<id>.json."""
    from ticket_platform.lib.landing import LocalLanding, landing_from_uri
    from ticket_platform.lib.synthetic import generate_tickets

    settings = _settings()
    first, last = _day_range(days, end)
    store = landing_from_uri(landing or settings.landing_uri)
    started = time.perf_counter()

    skip_existing = isinstance(store, LocalLanding) and not overwrite
    skipped = 0

    def write(ticket: dict) -> None:
        nonlocal skipped
        key = lake_key(ticket["ticket_id"], datetime.fromisoformat(ticket["submitted_at"]))
        if skip_existing and store.exists(key):
            skipped += 1  # same seed, same ticket: rewriting would only change its etag
            return
        store.write(key, orjson.dumps(ticket))

    tickets = generate_tickets(count, seed, first, last, id_offset=id_offset)
    with _progress(err) as progress:
        task = progress.add_task("generating tickets", total=count)
        for _ in _map(write, tickets, workers):
            progress.advance(task)
    elapsed = time.perf_counter() - started
    err.print(
        f"[green]wrote {count - skipped:,} tickets[/green] for {first} .. {last} to {store.uri} "
        f"in {elapsed:.1f}s ({count / elapsed:,.0f}/s)"
        + (f"; {skipped:,} already present were left as they were" if skipped else "")
    )


@app.command()
def simulate(
    tickets: Annotated[int, typer.Option(min=1, help="How many tickets to submit")] = 3_000,
    days: DaysOption = 14,
    end: EndOption = None,
    seed: Annotated[int, typer.Option(help="Same seed, same tickets and events")] = 42,
    id_offset: IdOffsetOption = 0,
    landing: LandingOption = None,
    responder: Annotated[
        str,
        typer.Option(
            help="offline (template responder) or bedrock (the Lambda's Bedrock responder, "
            "configured by BEDROCK_MODEL_ID / BEDROCK_REGION and your AWS credentials)"
        ),
    ] = "offline",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Run generated tickets through the real-time path offline (same handlers, same workflow).

    Writes tickets/ and events/ into the landing zone and the lifecycle table to
    <data dir>/lifecycle.sqlite.
    """
    from ticket_platform.lib.landing import landing_from_uri
    from ticket_platform.lib.synthetic import generate_tickets
    from ticket_platform.simulator.local_aws import SqliteTicketTable
    from ticket_platform.simulator.responder import TemplateResponder
    from ticket_platform.simulator.sentiment import default_analyzer
    from ticket_platform.simulator.simulate import (
        Simulator,
        end_of_day,
        submitted_events,
    )
    from ticket_platform.simulator.simulate import (
        simulate as run_simulation,
    )

    settings = _settings()
    first, last = _day_range(days, end)
    if responder == "offline":
        chosen = TemplateResponder()
    elif responder == "bedrock":
        from lambdas.response_generator.handler import responder_from_environment

        chosen = responder_from_environment()
    else:
        raise typer.BadParameter("use offline or bedrock", param_hint="--responder")
    store = landing_from_uri(landing or settings.landing_uri)
    table = SqliteTicketTable(settings.data_dir / "lifecycle.sqlite")
    simulator = Simulator(
        store,
        table,
        analyzer=default_analyzer(),
        responder=chosen,
        seed=seed,
        now=end_of_day(last),
        run_tag=f"s{seed}-o{id_offset}",
    )
    events = submitted_events(generate_tickets(tickets, seed, first, last, id_offset=id_offset))
    try:
        with _progress(err) as progress:
            task = progress.add_task("simulating tickets", total=tickets)
            report = run_simulation(
                simulator, events, on_progress=lambda n: progress.update(task, completed=n)
            )
    finally:
        table.close()
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), indent=2, default=str) + "\n")
        return
    rate = report.tickets / report.seconds if report.seconds else 0.0
    err.print(
        f"[green]simulated {report.tickets:,} tickets[/green] for {first} .. {last} into "
        f"{store.uri} in {report.seconds:.1f}s ({rate:,.0f}/s): "
        f"{report.executions.get('succeeded', 0):,} workflows succeeded, "
        f"{report.executions.get('failed', 0):,} failed; {report.tickets_written:,} ticket files "
        f"written ({report.tickets_unchanged:,} unchanged); {report.stream_records:,} stream "
        f"records in {report.event_objects:,} event files; {report.alerts:,} HIGH alerts"
    )
    err.print(f"backends: {', '.join(f'{k}={v}' for k, v in report.backends.items())}")


def _map(function, items: Iterable, workers: int) -> Iterable:
    if workers <= 1:
        yield from map(function, items)
        return
    batch: list = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for item in items:  # bounded batches: a million pending futures would not fit in memory
            batch.append(item)
            if len(batch) == workers * 64:
                yield from pool.map(function, batch)
                batch = []
        yield from pool.map(function, batch)


@app.command()
def run(
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
) -> None:
    """Materialize the whole graph for every partition present in the landing zone."""
    from ticket_platform.headless import start_headless_run
    from ticket_platform.runner import run_everything

    settings = _settings()
    home = _ensure_dagster_home(settings)
    # No daemon runs beside us: recover runs killed mid-flight (their pool slots) ourselves.
    start_headless_run(home, log=lambda message: err.print(message, soft_wrap=True))
    with _stdout_to_stderr():  # dbt and Dagster print freely; stdout stays for the summary
        summary = run_everything(settings, log=lambda message: err.print(message))
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2, default=str) + "\n")
    else:
        _print_summary(summary)
    if summary["exit_status"]:  # 1: the spine failed; 3: only optional branches failed
        raise typer.Exit(code=summary["exit_status"])


@app.command()
def calibrate(
    judge: Annotated[
        str | None, typer.Option(help="rules | bedrock | langchain (default: TICKET_JUDGE)")
    ] = None,
    reference: Annotated[
        str, typer.Option(help="seed-nova-pro (built in) or a labelled .jsonl/.csv file")
    ] = "seed-nova-pro",
    show: Annotated[int, typer.Option(min=0, help="Disagreements to list per criterion")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON")] = False,
) -> None:
    """Grade a labelled reference set with a judge and report agreement per criterion."""
    from dataclasses import replace

    from ticket_platform.evaluation.calibration import (
        compare,
        disagreements,
        load_reference,
        verdicts_of,
    )
    from ticket_platform.evaluation.factory import build_judge, judge_price, run_limits
    from ticket_platform.evaluation.judge import judge_id
    from ticket_platform.evaluation.rules import fact_check
    from ticket_platform.evaluation.runner import evaluate
    from ticket_platform.settings import JUDGE_KINDS

    settings = _settings()
    if judge is not None and judge not in JUDGE_KINDS:
        err.print(f"[red]--judge must be one of {', '.join(JUDGE_KINDS)}[/red]")
        raise typer.Exit(code=2)
    judge_settings = replace(settings.judge, kind=judge) if judge else settings.judge
    try:
        labelled = load_reference(reference)
        grader = build_judge(judge_settings, settings.aws_region)
    except (FileNotFoundError, SettingsError) as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from error
    for rejected in labelled.rejected:
        err.print(f"[yellow]{labelled.name}: {rejected}[/yellow]")
    items = [entry.item for entry in labelled.items]
    err.print(f"Grading {len(items)} responses of {labelled.name} with {judge_id(grader)} …")
    run = evaluate(
        items,
        grader,
        partition_date=datetime.now(UTC).date(),
        limits=run_limits(judge_settings),
        price=judge_price(judge_settings, grader),
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
        "agreements": [a.as_dict() for a in agreements],
        "disagreements": disagreements(run.rows, labelled),
    }
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return
    _print_calibration(result, show)


@app.command()
def docs(
    serve: Annotated[bool, typer.Option(help="Serve the site on http://127.0.0.1:PORT")] = False,
    port: Annotated[int, typer.Option(help="Port for --serve")] = 8080,
) -> None:
    """Generate the dbt docs site (models, columns, tests, lineage) into <data dir>/dbt_docs.

    The printed static_index.html opens from disk; --serve serves index.html over HTTP.
    """
    from ticket_platform.defs.transform.docs import generate_docs
    from ticket_platform.defs.transform.project import dbt_cli

    settings = _settings()
    with _stdout_to_stderr():
        site = generate_docs(settings, dbt_cli(settings))
    err.print(
        f"{site.documented_models}/{site.models} models and {site.documented_columns}/"
        f"{site.columns} columns described"
    )
    print(site.static_page)
    if serve:
        import functools
        from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

        handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site.folder))
        with ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
            err.print(f"dbt docs on http://127.0.0.1:{port} (Ctrl+C to stop)")
            with suppress(KeyboardInterrupt):
                server.serve_forever()


@app.command()
def route(
    text: Annotated[str, typer.Option("--text", help="The ticket's description (or all of it)")],
    subject: Annotated[str, typer.Option(help="The ticket's subject, if separate")] = "",
    top: Annotated[int, typer.Option(min=1, max=20, help="How many teams to list")] = 3,
    landing: LandingOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """Predict the owning team of a ticket with the promoted routing model."""
    from ticket_platform.lib.landing import landing_from_uri
    from ticket_platform.routing.artifacts import ModelNotFoundError, ModelStore
    from ticket_platform.routing.dataset import routing_text
    from ticket_platform.routing.model import rank_teams

    settings = _settings()
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


def _print_calibration(result: dict, show: int) -> None:
    console = Console()
    table = Table(title=f"{result['judge']} vs {result['reference']} ({result['labelled_by']})")
    for name in (
        "criterion",
        "compared",
        "agreement",
        "kappa",
        "TPR",
        "TNR",
        "judge pass",
        "ref pass",
    ):
        table.add_column(name, justify="left" if name == "criterion" else "right")

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.0%}"

    for a in result["agreements"]:
        kappa = "n/a" if a["cohen_kappa"] is None else f"{a['cohen_kappa']:.2f}"
        table.add_row(
            a["criterion"],
            str(a["compared"]),
            pct(a["agreement"]),
            kappa,
            pct(a["true_positive_rate"]),
            pct(a["true_negative_rate"]),
            pct(a["judge_pass_rate"]),
            pct(a["reference_pass_rate"]),
        )
    console.print(table)
    for criterion, cases in result["disagreements"].items():
        for case in cases[:show]:
            verdict = "pass" if case["judge"] else "fail"
            reference = "pass" if case["reference"] else "fail"
            console.print(
                f"[bold]{criterion}[/bold] {case['ticket_id']}: judge {verdict}, reference "
                f"{reference} — {case['reasoning']}"
            )
    if result["failed"] or result["deferred"]:
        console.print(
            f"[yellow]{result['failed']} failed, {result['deferred']} deferred (not compared)"
            "[/yellow]"
        )


def _ensure_dagster_home(settings) -> Path:
    """Runs go to DAGSTER_HOME (default .data/dagster_home) so `make ui` shows them.

    A new DAGSTER_HOME gets the project's dagster.yaml (pools, run retries, freshness) and its
    storage, created by one process at a time: two first runs at once would both create the
    schema and leave it unusable.
    """
    from ticket_platform.headless import ensure_instance

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


def _print_summary(summary: dict) -> None:
    console = Console()
    table = Table(title="ticket-platform run", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    ingest = summary["ingest"]
    rows = [
        (
            "partitions",
            f"{summary['partitions']} ({summary['first_partition']} .. {summary['last_partition']})",
        ),
        ("files seen", ingest["files_seen"]),
        ("files already loaded", ingest["files_already_loaded"]),
        ("files loaded", ingest["files_loaded"]),
        ("files partly quarantined", ingest["files_partially_quarantined"]),
        ("files quarantined", ingest["files_quarantined"]),
        ("rows loaded", ingest["rows_loaded"]),
        ("rows quarantined", ingest["rows_quarantined"]),
        ("duplicates replaced", ingest["duplicates_replaced"] + ingest["duplicates_in_batch"]),
        *(
            [("files unchanged (same bytes as loaded)", ingest["files_unchanged"])]
            if ingest["files_unchanged"]
            else []
        ),
        *(
            [("files unreadable (retried next run)", ingest["files_unreadable"])]
            if ingest["files_unreadable"]
            else []
        ),
        (
            "files outside the date layout or range",
            summary.get("strays", len(summary["stray_keys"])),
        ),
        ("lifecycle events loaded", summary["events"]["events_loaded"]),
        ("lifecycle events quarantined", summary["events"]["events_quarantined"]),
    ]
    evaluation = summary["evaluation"]
    rate = evaluation["pass_rate"]
    rows += [
        ("judge", evaluation["judge"] or "not run"),
        ("responses judged", evaluation["evaluated"]),
        ("verdicts reused (cached)", evaluation["cached"]),
        ("evaluations failed / deferred", f"{evaluation['failed']} / {evaluation['deferred']}"),
        ("model calls", evaluation["model_calls"]),
        ("pass rate, all four criteria", "n/a" if rate is None else f"{rate:.1%}"),
    ]
    rows += _routing_rows(summary["routing"])
    rows += [(f"rows in {name}", count) for name, count in summary["tables"].items()]
    rows += [("checks failed", ", ".join(summary["failed_checks"]) or "none")]
    rows += [("checks warning", ", ".join(summary["warned_checks"]) or "none")]
    branches = sorted({failed["branch"] for failed in summary["failed_branches"]})
    rows += [("branches failed", ", ".join(branches) or "none")]
    rows += [("seconds", f"{summary['seconds']:.1f}")]
    for name, value in rows:
        table.add_row(name, f"{value:,}" if isinstance(value, int) else str(value))
    console.print(table)
    if summary.get("docs"):  # full paths, below the table, so a narrow terminal cannot cut them
        console.print(f"dbt docs: {summary['docs']} (or [bold]make docs[/bold])", soft_wrap=True)
    for line in _summary_notes(summary):
        console.print(line, soft_wrap=True)
    console.print(
        f"{_outcome(summary)} Open the Dagster UI with [bold]make ui[/bold] "
        "(http://127.0.0.1:3000)."
    )


def _routing_rows(routing: dict) -> list[tuple[str, object]]:
    def share(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1%}"

    if routing["model_version"]:
        promoted = "promoted" if routing["promoted"] else "not promoted"
        model = f"{routing['model_version']} ({promoted})"
    else:
        model = "not trained (see below)" if routing["training_skipped"] else "not trained"
    rows: list[tuple[str, object]] = [("routing model", model)]
    if routing["model_version"]:
        accuracy = " / ".join(share(routing[k]) for k in ("holdout_accuracy", "reference_accuracy"))
        rows.append(("routing accuracy, held out / real tickets", accuracy))
    routed = routing["tickets_routed"] if not routing["routing_skipped"] else "skipped"
    if routing["routed_by"] and routing["routed_by"] != routing["model_version"]:
        routed = f"{routed:,} (by model {routing['routed_by']})"
    rows.append(("tickets routed", routed))
    return rows


def _summary_notes(summary: dict) -> list[str]:
    """The reasons behind the table's short cells: routing skips and failed runs."""
    routing = summary["routing"]
    notes = []
    if routing["training_skipped"]:
        notes.append(f"[yellow]Routing: no model trained: {escape(routing['training_skipped'])}")
    if routing["routing_skipped"]:
        notes.append(f"[yellow]Routing skipped: {escape(routing['routing_skipped'])}")
    for failed in summary["failed_spine"]:
        where = f"{failed['job']}, run {failed['run_id']}"
        notes.append(f"[red]Failed: {where}: {escape(failed['error'])}")
    for failed in summary["failed_branches"]:
        where = f"{failed['job']}, run {failed['run_id']}" if failed["run_id"] else failed["job"]
        notes.append(f"[red]Branch failed: {failed['branch']} ({where}): {escape(failed['error'])}")
    return notes


def _outcome(summary: dict) -> str:
    if summary["failed_spine"]:
        return "[red]Run failed[/red] (exit status 1): the spine (ingest → dbt → docs) did not complete."
    if summary["failed_branches"]:
        return (
            f"[yellow]Run completed with {len(summary['failed_branches'])} failed optional "
            "branch run(s)[/yellow] (exit status 3): the marts and docs are built."
        )
    return "Run [green]succeeded[/green]."


def _settings():
    try:
        return get_settings()
    except SettingsError as error:
        err.print(f"[red]configuration error:[/red] {error}")
        raise typer.Exit(code=2) from error


if __name__ == "__main__":
    app()
