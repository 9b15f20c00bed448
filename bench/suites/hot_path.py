"""Where ingest spends its time: cProfile of the platform's loader over the generated files.

Runs in its own process (``python -m bench.suites.hot_path --landing … --stats …``) and reports
the functions with the most time of their own, and the time per file of the main stages.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
from datetime import date
from pathlib import Path

from bench.common import ROOT, generate_landing, log, run_child, work_dir
from bench.profiles import Profile
from bench.suites.ingest import plain_read_parse, platform_ingest

END = date(2025, 8, 30)

# Stages by the module their time is spent in (own time, so nothing is counted twice).
STAGES = {
    "contract validation (pydantic)": ("pydantic",),
    "JSON parsing (orjson/json)": ("orjson", "/json/"),
    "DuckDB statements": ("_duckdb", "/duckdb/"),
    "Arrow columns": ("pyarrow",),
    "file system (list, stat, open, read)": ("posix.", "_io.", "io.open", "/os.py", "/pathlib"),
}  # fmt: skip


def _stage(function: tuple[str, int, str]) -> str:
    where = f"{function[0]}:{function[2]}"
    for stage, needles in STAGES.items():
        if any(needle in where for needle in needles):
            return stage
    return "platform code and the rest"


def profile_ingest(landing: Path, stats_path: Path) -> dict:
    workdir = work_dir() / "hot-path-db"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    # Start-up is not ingest: what platform_ingest imports is imported before the profiler starts.
    import duckdb

    import ticket_platform.ingest.landing
    import ticket_platform.ingest.tickets
    import ticket_platform.warehouse.duckdb_engine  # noqa: F401

    del duckdb

    profiler = cProfile.Profile()
    rows = profiler.runcall(platform_ingest, landing, workdir)
    profiler.dump_stats(stats_path)
    stats = pstats.Stats(str(stats_path))
    total = stats.total_tt
    by_stage: dict[str, float] = {}
    own = []
    for function, (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        stage = _stage(function)
        by_stage[stage] = by_stage.get(stage, 0.0) + tottime
        own.append((tottime, function))
    own.sort(reverse=True)
    return {
        "files": rows,
        "profiled_seconds": round(total, 2),
        "stages_us_per_file": {
            stage: round(seconds / rows * 1e6, 1)
            for stage, seconds in sorted(by_stage.items(), key=lambda kv: -kv[1])
        },
        "top_functions": [
            {
                "function": f"{Path(f[0]).name}:{f[1]}({f[2]})" if f[0] != "~" else f[2],
                "own_seconds": round(t, 3),
                "share": round(t / total, 3),
            }
            for t, f in own[:15]
        ],
    }


def run(profile: Profile) -> dict:
    landing = generate_landing(
        work_dir() / f"hot-path-{profile.profile_files}-s{profile.seed}",
        profile.profile_files,
        max(1, min(7, profile.profile_files // 100)),
        END,
        profile.seed,
    )
    stats = work_dir() / "hot_path.pstats"
    plain_read_parse(landing, landing)  # a warm page cache, as in the ingest suite
    log(f"profile: cProfile of platform ingest on {profile.profile_files:,} files")
    result = run_child("bench.suites.hot_path", "--landing", str(landing), "--stats", str(stats))
    return result | {"pstats": os.path.relpath(stats, ROOT)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--stats", type=Path, required=True)
    args = parser.parse_args()
    print(json.dumps(profile_ingest(args.landing, args.stats)))


if __name__ == "__main__":
    main()
