"""Simulator benchmark: tickets per second through the offline real-time path.

    python bench/simulator_bench.py [--tickets 5000] [--repeats 3]

Each repeat simulates the same tickets into a fresh folder in a child process (its own peak RSS):
generation, the trigger and status-recorder handlers, the workflow's ASL definition in the local
interpreter (lexicon sentiment, template responder, S3 writer on a local landing, SQLite table),
the help desk's later events and the Firehose stand-in. Results go to
bench/results/simulator-<tickets>.json; paste the table into bench/reading.md
(rendered into bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def run_once(tickets: int, days: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="simbench-"))
    try:
        command = [
            sys.executable, "-c",
            "import resource, sys, json\n"
            "from typer.testing import CliRunner\n"
            "from ticket_platform.cli.main import app\n"
            f"r = CliRunner().invoke(app, ['simulate', '--tickets', '{tickets}', '--days', "
            f"'{days}', '--end', '2025-06-30', '--json'])\n"
            "report = json.loads(r.stdout)\n"
            "report['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
            "print(json.dumps(report))\n",
        ]  # fmt: skip
        env = {"TICKET_DATA_DIR": str(workdir), "PATH": "", "HOME": str(workdir)}
        out = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5_000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    run_once(200, 2)  # warm-up: imports, lexicon build, page cache
    reports = [run_once(args.tickets, args.days) for _ in range(args.repeats)]
    seconds = statistics.median(r["seconds"] for r in reports)
    result = {
        "tickets": args.tickets,
        "days": args.days,
        "repeats": args.repeats,
        "median_seconds": seconds,
        "tickets_per_second": round(args.tickets / seconds, 1),
        "stream_records_per_second": round(reports[0]["stream_records"] / seconds, 1),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in reports), 1),
        "report": reports[0],
        "machine": f"{platform.platform()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}",
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"simulator-{args.tickets}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"| {args.tickets:,} | {seconds:.2f} | {result['tickets_per_second']:,.0f} | "
        f"{result['stream_records_per_second']:,.0f} | {result['peak_rss_mb']:,.0f} |"
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
