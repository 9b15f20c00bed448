"""Render ``RESULTS.md`` and its plots from the runner's JSON (``<out>/results/*.json``).

python -m bench.report [OUT]      # re-render (e.g. after editing bench/reading.md); OUT=bench/
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.targets import decimal_or_dash as _r
from bench.targets import targets


def _load(results: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(results.glob("*.json"))}


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    align = ["---" if i == 0 else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _n(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def _plot(out: Path, name: str, draw) -> str:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 3.6), dpi=100)
    draw(axes)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    path = out / "plots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return f"![{name}](plots/{name}.png)"


def _with_ci(value: float | None, ci: list[float] | None) -> str:
    if value is None:
        return "-"
    return _r(value) + (f" [{_r(ci[0])}, {_r(ci[1])}]" if ci else "")


# ----------------------------------------------------------------------------------------------
# Sections
# ----------------------------------------------------------------------------------------------
def _ingest(result: dict, out: Path) -> list[str]:
    lines = [
        "## 1. Ingest: landing → staging, four contenders and a yardstick on the same files",
        "",
    ]
    rows = []
    for size in result["sizes"]:
        for name, r in size["contenders"].items():
            rows.append([name, _n(size["files"]), f"{r['seconds']:.2f}", _n(r["files_per_s"]),
                         _n(r["peak_rss_mb"]), r["repeats"]])  # fmt: skip
        for name, reason in size.get("failed", {}).items():
            rows.append([name, _n(size["files"]), "failed", "-", "-", f"*{reason}*"])
    lines += _table(["contender", "files", "seconds (median)", "files/s", "peak RSS (MB)",
                     "runs"], rows)  # fmt: skip

    def ratio(size: dict, key: str) -> str:
        return f"{size[key]}x" if key in size else "-"

    ratios = [[_n(s["files"]), ratio(s, "platform_vs_plain"), ratio(s, "platform_vs_dlt"),
               ratio(s, "platform_vs_read_json"), ratio(s, "platform_vs_write_alone")]
              for s in result["sizes"]]  # fmt: skip
    lines += _table(["files", "platform / plain read", "platform / dlt",
                     "platform / DuckDB read_json", "platform / DuckDB write alone"],
                    ratios)  # fmt: skip
    lines += ["*DuckDB write alone* is a yardstick, not a loader: the rows, parsed before its "
              "clock starts, inserted from one Arrow table and checkpointed.", ""]  # fmt: skip

    def draw(axes) -> None:
        names = sorted({n for s in result["sizes"] for n in s["contenders"]})
        for name in names:
            points = [(s["files"], s["contenders"][name]["files_per_s"])
                      for s in result["sizes"] if name in s["contenders"]]  # fmt: skip
            axes.plot(*zip(*points, strict=True), marker="o", label=name)
        axes.set(xscale="log", yscale="log", xlabel="files", ylabel="files per second",
                 title="Ingest throughput (higher is better)")  # fmt: skip
        axes.legend(fontsize=8)

    return [*lines, _plot(out, "ingest_throughput", draw), ""]


def _ingest_s3(result: dict, out: Path) -> list[str]:
    lines = [f"## 1b. Ingest from S3 (moto server, {result['latency_ms']} ms per request, "
             f"{result['files']:,} files)", ""]  # fmt: skip
    rows = [[r["contender"], r["workers"], f"{r['seconds']:.2f}", _n(r["files_per_s"]),
             r["repeats"]] for r in result["runs"]]  # fmt: skip
    lines += _table(["contender", "read workers", "seconds (median)", "files/s", "runs"], rows)
    lines += [f"Compaction: {result['compaction']}.", ""]

    def draw(axes) -> None:
        labels = [f"{r['contender']}\n{r['workers']} workers" for r in result["runs"]]
        axes.bar(labels, [r["files_per_s"] for r in result["runs"]], color="tab:blue")
        axes.set(ylabel="files per second", title="S3 ingest with per-request latency")
        axes.tick_params(axis="x", labelsize=8)

    return [*lines, _plot(out, "ingest_s3", draw), ""]


def _incremental(result: dict, out: Path) -> list[str]:
    alone = result["alone"]
    lines = [f"## 2. Incremental cost: one new day ({alone['rows']:,} tickets), "
             f"ingest + `{result['command']}`", ""]  # fmt: skip
    rows = [
        [
            "the day alone (empty warehouse)",
            f"{alone['ingest_seconds']:.2f}",
            f"{alone['dbt_seconds']:.2f}",
            f"{alone['seconds']:.2f}",
            "1.00x",
            alone["repeats"],
        ]
    ]
    for h in result["history"]:
        rows.append([f"on {h['history_days']} days of history ({_n(h['history_rows'])} tickets)",
                     f"{h['ingest_seconds']:.2f}", f"{h['dbt_seconds']:.2f}",
                     f"{h['seconds']:.2f}", f"{h['ratio_to_alone']}x", h["repeats"]])  # fmt: skip
    lines += _table(["new day", "ingest s", "dbt s", "total s", "vs alone", "runs"], rows)

    def draw(axes) -> None:
        days = [h["history_days"] for h in result["history"]]
        axes.plot(
            days, [h["ingest_seconds"] for h in result["history"]], marker="o", label="ingest"
        )
        axes.plot(days, [h["dbt_seconds"] for h in result["history"]], marker="o", label="dbt")
        axes.plot(days, [h["seconds"] for h in result["history"]], marker="o", label="total")
        axes.axhline(alone["seconds"], linestyle="--", color="grey", label="day alone (total)")
        axes.set(xlabel="days of history", ylabel="seconds", ylim=(0, None),
                 title="One new day on top of history")  # fmt: skip
        axes.legend(fontsize=8)

    return [*lines, _plot(out, "incremental", draw), ""]


def _dbt_volume(result: dict, out: Path) -> list[str]:
    lines = [f"## 3. `{result['command']}` by volume (DuckDB, 30 days)", ""]
    rows = [[_n(r["tickets"]), _n(r["events"]), f"{r['dbt_seconds']:.1f}",
             _n(r["tickets_per_second"]), _n(r["database_mb"]),
             ", ".join(f"{n.split('.')[0]} {s} s" for n, s in r["slowest_nodes"][:4])]
            for r in result["volume"]]  # fmt: skip
    lines += _table(["tickets", "lifecycle events", "seconds", "tickets/s", "database MB",
                     "slowest nodes"], rows)  # fmt: skip

    def draw(axes) -> None:
        tickets = [r["tickets"] for r in result["volume"]]
        axes.plot(tickets, [r["dbt_seconds"] for r in result["volume"]], marker="o")
        axes.set(xscale="log", xlabel="tickets", ylabel="seconds", ylim=(0, None),
                 title=f"{result['command']} time by volume")  # fmt: skip

    return [*lines, _plot(out, "dbt_volume", draw), ""]


def _evaluation(result: dict, out: Path) -> list[str]:
    lines = [f"## 4. Evaluation: {result['items']} responses, stand-in model of "
             f"{result['latency_s']} s per call", ""]  # fmt: skip
    rows = [[r["concurrency"], f"{r['seconds']:.2f}", _n(r["responses_per_s"], 1),
             f"{r['speedup']}x"] for r in result["runs"]]  # fmt: skip
    lines += _table(["concurrency", "seconds (median)", "responses/s", "speed-up"], rows)
    rerun = result["rerun"]
    lines += [
        f"Re-run over the same responses: **{rerun['model_calls']} model calls**, "
        f"{rerun['cached']} answered from the verdict cache, {rerun['seconds']} s.",
        "",
    ]

    def draw(axes) -> None:
        runs = result["runs"]
        axes.plot([r["concurrency"] for r in runs], [r["responses_per_s"] for r in runs],
                  marker="o", label="measured")  # fmt: skip
        ideal = [min(r["concurrency"], result["items"]) / result["latency_s"] for r in runs]
        axes.plot([r["concurrency"] for r in runs], ideal, linestyle="--", label="ideal")
        axes.set(xscale="log", yscale="log", xlabel="concurrency", ylabel="responses per second",
                 title="Judge throughput")  # fmt: skip
        axes.legend(fontsize=8)

    return [*lines, _plot(out, "evaluation", draw), ""]


def _judge_facts(result: dict, _: Path) -> list[str]:
    quality, latency, load = result["quality"], result["latency"], result["load"]
    lines = [
        f"## 4b. Rules judge fact check: {result['reference_rows']} team-labelled replies, "
        f"judge `{result['judge']}`",
        "",
        f"Fact base: {result['fact_base']}. Groups by the row's `source`: seed (the seed "
        "system's real replies), demo (the demo's generator and simulator), each held-out "
        "writer, and all. Pass is positive: TPR is the share of replies labelled pass that the "
        "judge passes, TNR of those labelled fail that it fails; 95 % intervals in brackets "
        "(Wilson; Cohen's SE for kappa). The seed and demo replies were seen while the checks "
        "were written; each held-out writer's were measured once before the checks were "
        "corrected for what they showed (reference/LABELLING.md, docs/judging-facts.md), so "
        "no group is unseen any more. Targets are judged on the point estimates; the "
        "intervals show how little a few dozen replies settle.",
        "",
    ]
    rows = [[group if i == 0 else "", criterion, s["n"], _with_ci(s["tpr"], s["tpr_ci"]),
             _with_ci(s["tnr"], s["tnr_ci"]), _with_ci(s["kappa"], s["kappa_ci"])]
            for group, q in quality.items()
            for i, (criterion, s) in enumerate(q["criteria"].items())]  # fmt: skip
    lines += _table(["group", "criterion", "n", "TPR", "TNR", "kappa"], rows)
    lines += ["technical_accuracy on the replies with a wrong detail of a checkable kind "
              "(command, option, metric, namespace, log group, console page, feature owner, "
              "unsafe advice):", ""]  # fmt: skip
    rows = [[group, q["checkable"]["n"], _with_ci(q["checkable"]["tnr"], q["checkable"]["tnr_ci"]),
             _with_ci(q["criteria"]["technical_accuracy"]["tpr"],
                      q["criteria"]["technical_accuracy"]["tpr_ci"])]
            for group, q in quality.items()]  # fmt: skip
    lines += _table(["group", "checkable failures", "checkable TNR", "TPR"], rows)
    groups = list(quality)
    kinds = sorted({k for q in quality.values() for k in q["caught_by_kind"]})

    def cell(group: str, kind: str) -> str:
        counts = quality[group]["caught_by_kind"].get(kind)
        return f"{counts['caught']}/{counts['caught'] + counts['missed']}" if counts else "-"

    lines += ["Wrong details caught (the judge fails technical_accuracy on the reply) of all "
              "labelled, by kind; `behaviour`, `default_or_limit` and `other` are not checkable "
              "by a fact base:", ""]  # fmt: skip
    lines += _table(["kind", *groups], [[k, *(cell(g, k) for g in groups)] for k in kinds])
    lines += [f"Cost over the {latency['replies']} replies (`rules.assess_accuracy`, medians of "
              f"{latency['repeats']} interleaved runs after a warm-up; load average "
              f"{result.get('load_average_1min', '-')} on a shared machine):", ""]  # fmt: skip
    lines += _table(["measure", "value"], [
        ["assess_accuracy with the fact check, ms per reply", latency["with_ms_per_reply"]],
        ["assess_accuracy without it, ms per reply", latency["without_ms_per_reply"]],
        ["**added by the fact check, ms per reply**", latency["added_ms_per_reply"]],
        ["check_reply alone, median / p95 / max ms", f"{latency['check_reply_median_ms']} / "
         f"{latency['check_reply_p95_ms']} / {latency['check_reply_max_ms']}"],
        [f"one-off: import + load of the fact base, fresh process (median of {load['runs']}), s",
         load["load_seconds"]],
        ["one-off: first check after the load (compiles the name pattern), s",
         load["first_check_seconds"]],
    ])  # fmt: skip
    return lines


def _sensor(result: dict, out: Path) -> list[str]:
    lines = ["## 6. Landing sensor: tick time by files in one day", ""]
    rows = [[r["landing"], _n(r["files"]), r["first_tick_s"], r["steady_tick_s"],
             r["list_only_s"]] for r in result["rows"]]  # fmt: skip
    lines += _table(["landing", "files in the day", "first tick s", "steady tick s",
                     "list only s"], rows)  # fmt: skip

    def draw(axes) -> None:
        for landing in sorted({r["landing"] for r in result["rows"]}):
            points = [(r["files"], r["steady_tick_s"]) for r in result["rows"]
                      if r["landing"] == landing]  # fmt: skip
            axes.plot(*zip(*points, strict=True), marker="o", label=f"{landing} steady tick")
        axes.set(xscale="log", xlabel="files in the day", ylabel="seconds",
                 title="Sensor tick time")  # fmt: skip
        axes.legend(fontsize=8)

    return [*lines, _plot(out, "sensor", draw), ""]


def _routing(result: dict, out: Path) -> list[str]:
    lines = ["## 7. Routing model: training by tickets (both estimators, refit, skops save)", ""]
    rows = [[_n(r["tickets"]), r["train_seconds"], r["save_seconds"], r["load_seconds"],
             r["artifact_mb"], _n(r["peak_rss_mb"]), f"{r['holdout_accuracy']:.1%}",
             f"{r['naive_bayes_holdout_accuracy']:.1%}", f"{r['reference_accuracy']:.0%}",
             _n(r["predict_per_s"])] for r in result["sizes"]]  # fmt: skip
    lines += _table(["tickets", "train s", "save s", "load s", "artifact MB", "peak RSS MB",
                     "held out (winner)", "held out (naive Bayes)", "real tickets",
                     "predictions/s"], rows)  # fmt: skip

    def draw(axes) -> None:
        sizes = result["sizes"]
        axes.plot([r["tickets"] for r in sizes], [r["train_seconds"] for r in sizes],
                  marker="o", label="train (both estimators + refit)")  # fmt: skip
        axes.set(xscale="log", xlabel="training tickets", ylabel="seconds",
                 title="Routing model training time")  # fmt: skip
        axes.legend(fontsize=8)

    return [*lines, _plot(out, "routing", draw), ""]


def _redshift_writes(result: dict, _: Path) -> list[str]:
    lines = [
        "## 8. Redshift write path: statements per partition run (RedshiftSession, moto S3)",
        "",
        "What the production session sends for one partition run of each write path, recorded "
        "(Redshift itself is not reachable): every batch is one statement, a COPY from the "
        "staging prefix or, for a small batch, one multi-row INSERT. *before*: the same run "
        f"under the old rule (only the ticket batch COPYed, every other batch paged INSERTs of "
        f"{result['old_page_rows']} rows), computed from the batches filled.",
        "",
    ]
    rows = []
    for size in result["sizes"]:
        for path, m in size["paths"].items():
            rows.append([f"{path} ({_n(size['rows'])})", _n(m["rows"]), m["statements"], m["copies"],
                         m["multi_row_inserts"], m["batches"], m["transactions"],
                         m["s3_requests"], m["before"]])  # fmt: skip
    header = ["write path (partition size)", "rows", "statements", "COPYs", "multi-row INSERTs", "batches",
              "transactions", "S3 requests", "statements before"]  # fmt: skip
    return lines + _table(header, rows)


def _hot_path(result: dict, _: Path) -> list[str]:
    lines = [f"## Profile of the ingest hot path ({_n(result['files'])} files, cProfile, "
             f"{result['profiled_seconds']} s under the profiler)", ""]  # fmt: skip
    lines += _table(["stage (own time)", "µs per file"],
                    [[k, v] for k, v in result["stages_us_per_file"].items()])  # fmt: skip
    lines += _table(["function", "own seconds", "share"],
                    [[f"`{f['function']}`", f["own_seconds"], f"{f['share']:.0%}"]
                     for f in result["top_functions"][:10]])  # fmt: skip
    return lines


SECTIONS = {
    "ingest": _ingest,
    "ingest_s3": _ingest_s3,
    "incremental": _incremental,
    "dbt_volume": _dbt_volume,
    "evaluation": _evaluation,
    "judge_facts": _judge_facts,
    "sensor": _sensor,
    "routing": _routing,
    "redshift_writes": _redshift_writes,
    "hot_path": _hot_path,
}


def render(out: Path, reading: Path | None = None) -> Path:
    data = _load(out / "results")
    run = data.pop("run", {})
    lines = ["# Benchmark results", ""]
    if run:
        m = run["machine"]
        lines += [
            f"Produced by `{run['command']}` at git `{run['git_revision']}`, "
            f"started {run['started_at']}, profile `{run['profile']['name']}`.",
            "",
            *[
                f"Re-run later: {', '.join(r['suites'])} (`{r['command']}` at git "
                f"`{r['git_revision']}`, {r['started_at']})."
                for r in run.get("reruns", [])
            ],
            "",
            f"Machine: {m['cpu']}, {m['cpus']} CPUs, {m['ram_gb']} GB RAM, {m['platform']}, "
            f"Python {m['python']}.",
            "",
            "Versions: " + ", ".join(f"{k} {v}" for k, v in run["versions"].items()) + ".",
            "",
            "Method: every contender runs on the same generated files (fixed seed "
            f"{run['profile']['seed']}) on this machine in the same run, each in its own process "
            "where it matters, after a warm-up run; times are medians of "
            f"{run['profile']['repeats']} runs (a run over "
            f"{run['profile']['slow_run_seconds']:.0f} s is timed once); nothing is tuned per "
            "contender. Sizes and settings are `bench/profiles.py`; raw numbers in `results/`.",
            "",
        ]
    found = targets(data)
    if found:
        lines += ["## Targets", ""]
        lines += _table(["target", "measured", "goal", "met"],
                        [[t["target"], t["value"], t["goal"], "yes" if t["met"] else "**no**"]
                         for t in found])  # fmt: skip
    for suite, section in SECTIONS.items():
        record = data.get(suite)
        if record is None:
            continue
        if "error" in record:
            lines += [f"## {suite}: FAILED", "", "```", record["error"].strip()[-2000:], "```", ""]
            continue
        lines += section(record["result"], out)
    if reading and reading.exists():
        lines += [reading.read_text().strip(), ""]
    path = out / "RESULTS.md"
    path.write_text("\n".join(lines))
    return path


if __name__ == "__main__":
    import sys

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    print(render(folder, reading=Path(__file__).resolve().parent / "reading.md"))
