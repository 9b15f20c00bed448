"""What ``ticket-platform run`` and ``calibrate`` print: the run summary and the calibration table."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def print_calibration(result: dict, show: int) -> None:
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


def print_summary(summary: dict) -> None:
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
    rows += [
        (f"pass rate, {criterion.replace('_', ' ')}", f"{value:.1%}")
        for criterion, value in evaluation.get("criteria_pass_rates", {}).items()
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
