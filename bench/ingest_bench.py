"""Ingest benchmark: this platform's loader beside the machine's limit and DuckDB's read_json.

    python bench/ingest_bench.py [--count 100000] [--days 14] [--read-json-files 10000]

Each contender runs in its own subprocess on the same generated files, so its peak RSS is its
own. Results go to bench/results/ingest.json and bench/RESULTS.md. Speed is measured here, never
in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
RESULTS = HERE / "results"


# ----------------------------------------------------------------------------------------------
# Contenders (each runs in a child process: `python ingest_bench.py --contender NAME ...`)
# ----------------------------------------------------------------------------------------------
def plain_read_parse(landing: Path, _: Path) -> int:
    """The limit of this machine: walk the files, read each, json.loads it. Nothing else."""
    count = 0
    for dirpath, _dirs, files in os.walk(landing / "tickets"):
        for name in files:
            with open(os.path.join(dirpath, name), "rb") as handle:
                json.loads(handle.read())
            count += 1
    return count


def platform_ingest(landing: Path, workdir: Path) -> int:
    """This platform: list, ledger check, validation, dedupe, quarantine, DuckDB write."""
    from ticket_platform.lib.ingest import discover_partitions, load_partition
    from ticket_platform.lib.landing import LocalLanding
    from ticket_platform.lib.warehouse import duckdb_session

    store = LocalLanding(landing)
    days, _ = discover_partitions(store.list("tickets/"))
    rows = 0
    with duckdb_session(workdir / "platform.duckdb") as session:
        for day in days:
            rows += load_partition(store, session, day, run_id="bench").rows_inserted
    return rows


def duckdb_read_json(landing: Path, workdir: Path, limit_files: int) -> int:
    """DuckDB's own JSON reader over (a capped subset of) the same files."""
    import duckdb

    files = sorted(str(p) for p in (landing / "tickets").rglob("*.json"))[:limit_files]
    con = duckdb.connect(str(workdir / "read_json.duckdb"))
    con.execute("create table tickets as select * from read_json(?, format='auto')", [files])
    count = con.execute("select count(*) from tickets").fetchone()[0]
    con.close()
    return count


CONTENDERS = {
    "plain_read_parse": plain_read_parse,
    "platform_ingest": platform_ingest,
    "duckdb_read_json": duckdb_read_json,
}


def _run_contender(name: str, landing: Path, workdir: Path, limit_files: int) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    for leftover in workdir.glob("*.duckdb*"):
        leftover.unlink()
    function = CONTENDERS[name]
    # Import what each contender needs before the clock starts: startup is not ingest.
    import duckdb  # noqa: F401

    import ticket_platform.lib.ingest  # noqa: F401

    started = time.perf_counter()
    rows = (
        function(landing, workdir, limit_files)
        if name == "duckdb_read_json"
        else function(landing, workdir)
    )
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"contender": name, "rows": rows, "seconds": seconds, "peak_rss_mb": peak_mb}))


# ----------------------------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------------------------
def _generate(landing: Path, count: int, days: int, seed: int) -> None:
    marker = landing / f".generated-{count}-{days}-{seed}"
    if marker.exists():
        return
    shutil.rmtree(landing, ignore_errors=True)
    end = date(2025, 8, 1) + timedelta(days=days - 1)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ticket_platform.cli",
            "generate",
            "--count",
            str(count),
            "--days",
            str(days),
            "--end",
            end.isoformat(),
            "--seed",
            str(seed),
            "--landing",
            str(landing),
        ],
        check=True,
    )
    marker.touch()


def _measure(name: str, landing: Path, repeats: int, limit_files: int = 0) -> dict:
    runs = []
    for _ in range(repeats):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--contender",
                name,
                "--landing",
                str(landing),
                "--limit-files",
                str(limit_files),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda r: r["seconds"])
    median = runs[len(runs) // 2]
    return median | {
        "rate_per_s": median["rows"] / median["seconds"],
        "repeats": repeats,
        "all_seconds": [round(r["seconds"], 3) for r in runs],
    }


CACHE_NOTE = "warm (files read once before timing; every contender sees the same warm cache)"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--read-json-files",
        type=int,
        default=10_000,
        help="cap for DuckDB read_json (100,000 small files needed 60-90 s and 14 GB)",
    )
    parser.add_argument(
        "--only",
        choices=CONTENDERS,
        action="append",
        help="measure only these contenders (repeatable)",
    )
    parser.add_argument("--contender", choices=CONTENDERS)
    parser.add_argument("--landing", type=Path)
    parser.add_argument("--limit-files", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.contender:
        _run_contender(args.contender, args.landing, WORK / "db" / args.contender, args.limit_files)
        return

    landing = WORK / f"landing-{args.count}"
    print(f"generating {args.count:,} tickets over {args.days} days …", file=sys.stderr)
    _generate(landing, args.count, args.days, args.seed)
    plain_read_parse(landing, WORK)  # warm the page cache once for everyone

    wanted = args.only or list(CONTENDERS)
    results = {}
    for name in ("plain_read_parse", "platform_ingest"):
        if name in wanted:
            print(f"measuring {name} x{args.repeats} …", file=sys.stderr)
            results[name] = _measure(name, landing, args.repeats)
    read_json_files = min(args.read_json_files, args.count)
    if read_json_files and "duckdb_read_json" in wanted:
        print(f"measuring duckdb_read_json on {read_json_files:,} files …", file=sys.stderr)
        results["duckdb_read_json"] = _measure("duckdb_read_json", landing, 1, read_json_files)

    report = {
        "count": args.count,
        "days": args.days,
        "seed": args.seed,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "cache": CACHE_NOTE,
        "results": results,
    }
    if {"platform_ingest", "plain_read_parse"} <= results.keys():
        report["platform_vs_limit"] = (
            results["platform_ingest"]["rate_per_s"] / results["plain_read_parse"]["rate_per_s"]
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"ingest-{args.count}.json").write_text(json.dumps(report, indent=2) + "\n")
    _write_markdown(report)
    print(json.dumps(report, indent=2))


def _write_markdown(report: dict) -> None:
    lines = [
        f"## Ingest of {report['count']:,} one-ticket files over {report['days']} days",
        "",
        f"Machine: {report['machine']['platform']}, {report['machine']['cpus']} CPUs, Python "
        f"{report['machine']['python']}. Page cache: {report['cache']}. Median of the repeats.",
        "",
        "| contender | files | seconds | tickets/s | peak RSS (MB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, result in report["results"].items():
        lines.append(
            f"| {name} | {result['rows']:,} | {result['seconds']:.2f} | {result['rate_per_s']:,.0f} | "
            f"{result['peak_rss_mb']:,.0f} |"
        )
    lines.append("")
    if "platform_vs_limit" in report:
        lines += [
            f"Platform ingest runs at {report['platform_vs_limit']:.0%} of the plain "
            "read-and-parse rate.",
            "",
        ]
    section = "\n".join(lines)
    path = HERE / "RESULTS.md"
    header = "# Benchmark results\n\nProduced by `make bench` (`python bench/ingest_bench.py`).\n\n"
    existing = path.read_text() if path.exists() else header
    marker = f"## Ingest of {report['count']:,} one-ticket files"
    if marker in existing:
        start = existing.index(marker)
        end = existing.find("\n## ", start + 1)
        existing = existing[:start] + existing[end + 1 :] if end != -1 else existing[:start]
    path.write_text(existing.rstrip() + "\n\n" + section)


if __name__ == "__main__":
    main()
