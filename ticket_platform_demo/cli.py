"""The demo's commands, added to ``ticket-platform`` when the demo package is installed.

``ticket-platform generate`` writes synthetic tickets; ``simulate`` runs them through the
real-time path offline. The product CLI finds ``register`` through the ``ticket_platform.cli``
entry point (pyproject.toml), so the product never imports the demo.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

import orjson
import typer

from ticket_platform.cli.console import err, progress_bar, settings_or_exit
from ticket_platform.contracts import lake_key


def register(app: typer.Typer) -> None:
    """Add the demo's commands to the ``ticket-platform`` application."""
    app.command()(generate)
    app.command()(simulate)


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
    from ticket_platform.ingest.landing import LocalLanding
    from ticket_platform.ingest.landing_uri import landing_from_uri
    from ticket_platform_demo.synthetic import generate_tickets

    settings = settings_or_exit()
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
    with progress_bar(err) as progress:
        task = progress.add_task("generating tickets", total=count)
        for _ in _map(write, tickets, workers):
            progress.advance(task)
    elapsed = time.perf_counter() - started
    err.print(
        f"[green]wrote {count - skipped:,} tickets[/green] for {first} .. {last} to {store.uri} "
        f"in {elapsed:.1f}s ({count / elapsed:,.0f}/s)"
        + (f"; {skipped:,} already present were left as they were" if skipped else "")
    )


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
    from ticket_platform.ingest.landing_uri import landing_from_uri
    from ticket_platform_demo.simulator.local_aws import SqliteTicketTable
    from ticket_platform_demo.simulator.responder import TemplateResponder
    from ticket_platform_demo.simulator.sentiment import default_analyzer
    from ticket_platform_demo.simulator.simulate import (
        Simulator,
        end_of_day,
        submitted_events,
    )
    from ticket_platform_demo.simulator.simulate import (
        simulate as run_simulation,
    )
    from ticket_platform_demo.synthetic import generate_tickets

    settings = settings_or_exit()
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
        with progress_bar(err) as progress:
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
