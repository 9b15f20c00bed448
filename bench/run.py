"""The benchmark runner: every suite, one machine, one run, one report.

    python -m bench.run                 # full sizes (make bench): about an hour on 2 vCPUs
    python -m bench.run --quick         # every suite at toy sizes (make bench-quick): < 3 minutes
    python -m bench.run --only ingest --only sensor    # some suites; earlier results are kept

Each suite writes ``<out>/results/<suite>.json``; ``run.json`` records the machine, the package
versions, the git revision, the profile and the command line. ``<out>/RESULTS.md`` and
``<out>/plots/`` are then rendered from all the JSON in the folder. A suite that fails is
reported as failed and the others still run; the exit status is then 1.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shlex
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench import report
from bench.common import BENCH_DIR, git_revision, log, machine, versions, work_dir, write_json
from bench.profiles import PROFILES

# In this order: the cheap suites first, so a broken runner fails fast.
SUITES = (
    "evaluation",
    "judge_facts",
    "redshift_writes",
    "hot_path",
    "routing",
    "ingest_s3",
    "sensor",
    "ingest",
    "incremental",
    "dbt_volume",
)


def run_suites(profile_name: str, out: Path, only: list[str] | None) -> int:
    profile = PROFILES[profile_name]
    results = out / "results"
    results.mkdir(parents=True, exist_ok=True)
    this_run = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": shlex.join([Path(sys.executable).name, "-m", "bench.run", *sys.argv[1:]]),
        "git_revision": git_revision(),
        "suites": list(only or SUITES),
    }
    run_file = results / "run.json"
    if only and run_file.exists():  # some suites again: the first run stays the record
        record = json.loads(run_file.read_text())
        record["reruns"] = [*record.get("reruns", []), this_run]
    else:
        record = this_run | {
            "machine": machine(),
            "versions": versions(),
            "profile": profile.as_dict(),
        }
    write_json(run_file, record)
    failed = []
    for suite in only or SUITES:
        log(f"suite {suite} ({profile.name}) …")
        started = time.perf_counter()
        record: dict = {
            "suite": suite,
            "profile": profile.name,
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "git_revision": git_revision(),
        }
        try:
            module = importlib.import_module(f"bench.suites.{suite}")
            record["result"] = module.run(profile)
        except Exception:
            failed.append(suite)
            record["error"] = traceback.format_exc()
            log(f"suite {suite} FAILED:\n{record['error']}")
        record["wall_seconds"] = round(time.perf_counter() - started, 1)
        write_json(results / f"{suite}.json", record)
        log(f"suite {suite} done in {record['wall_seconds']} s")
    path = report.render(out, reading=BENCH_DIR / "reading.md" if profile.name == "full" else None)
    log(f"report: {path}")
    if failed:
        log(f"failed suites: {', '.join(failed)}")
        return 1
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="toy sizes: a smoke test of the runner"
    )
    parser.add_argument("--only", action="append", choices=SUITES, help="run only this suite")
    parser.add_argument(
        "--out",
        type=Path,
        help="where results/, plots/ and RESULTS.md go (default bench/, or bench/.work/quick)",
    )
    args = parser.parse_args()
    out = args.out or (work_dir() / "quick" if args.quick else BENCH_DIR)
    sys.exit(run_suites("quick" if args.quick else "full", out, args.only))


if __name__ == "__main__":
    main()
