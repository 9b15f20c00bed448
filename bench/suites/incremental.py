"""Incremental cost: one new day on top of 1, 7 and 30 days of history, ingest + dbt.

One set of generated ticket files covers the history and the new day. For each history length a
fresh DuckDB warehouse loads the history days with the platform's loader and builds dbt once
(untimed); then the new day is loaded and dbt builds again, and that is timed (ingest and dbt
separately). The same new day in an empty warehouse is the yardstick: cost should grow with new
data, not with history (target: ≤ 1.3x the day alone at 30 days of history).

The history is loaded in minutes here, while in production each day is loaded the day after. The
incremental models re-read rows loaded within ``incremental_lookback_hours`` of their watermark,
so after the history load its ``_loaded_at`` is set to the day after each partition, as daily
loads would have stamped it; otherwise the "new" day would re-read all the history (measured:
ratio 2.1 at 30 days, bench/RESULTS.md). The generated files carry tickets only, so the lifecycle
models are empty here; the dbt cost of lifecycle events by volume is the ``dbt_volume`` suite.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb

from bench.common import days_ending, generate_landing, log, median_of, timed, work_dir
from bench.profiles import Profile
from bench.suites.dbt_volume import dbt_build
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.ingest.tickets import load_partition
from ticket_platform.transform.dbt_sources import ensure_dbt_sources
from ticket_platform.warehouse.duckdb_engine import duckdb_session

NEW_DAY = date(2025, 8, 31)


def ingest(path: Path, landing: LocalLanding, days: list[date]) -> int:
    rows = 0
    with duckdb_session(path) as session:
        ensure_dbt_sources(session)
        for day in days:
            rows += load_partition(landing, session, day, run_id="bench").rows_inserted
    return rows


def stamp_as_daily_loads(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute(
            "update raw.tickets set _loaded_at = cast(_partition_date as timestamp) + interval 25 hour"
        )


def _new_day(path: Path, landing: LocalLanding, work: Path, extra: tuple[str, ...]) -> dict:
    as_of = f"{NEW_DAY + timedelta(days=1)} 00:00:00"
    ingest_seconds, rows = timed(lambda: ingest(path, landing, [NEW_DAY]))
    dbt_seconds = dbt_build(path, work, as_of, extra)
    total = ingest_seconds + dbt_seconds
    return {"rows": rows, "ingest_seconds": round(ingest_seconds, 2), "dbt_seconds": dbt_seconds,
            "seconds": round(total, 2)}  # fmt: skip


def run(profile: Profile) -> dict:
    per_day = profile.incremental_per_day
    longest = max(profile.incremental_history_days)
    landing = LocalLanding(
        generate_landing(
            work_dir() / f"incremental-{per_day}x{longest + 1}-s{profile.seed}",
            per_day * (longest + 1), longest + 1, NEW_DAY, profile.seed,
        )
    )  # fmt: skip
    work = work_dir() / "incremental"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    as_of = f"{NEW_DAY + timedelta(days=1)} 00:00:00"

    def fresh(name: str) -> Path:
        path = work / f"{name}.duckdb"
        path.unlink(missing_ok=True)
        return path

    alone_runs = []
    for _ in range(profile.repeats):
        alone_runs.append(_new_day(fresh("alone"), landing, work, profile.dbt_args))
    alone = median_of(alone_runs)
    log(f"incremental: the day alone: {alone['seconds']} s")

    histories = []
    for days in profile.incremental_history_days:
        snapshot = fresh(f"history-{days}")
        history_rows = ingest(snapshot, landing, days_ending(NEW_DAY - timedelta(days=1), days))
        stamp_as_daily_loads(snapshot)
        history_build = dbt_build(snapshot, work, as_of, profile.dbt_args)
        runs = []
        for _ in range(profile.repeats):
            path = fresh("measured")
            shutil.copyfile(snapshot, path)
            if snapshot.with_suffix(".duckdb.wal").exists():
                shutil.copyfile(
                    snapshot.with_suffix(".duckdb.wal"), path.with_suffix(".duckdb.wal")
                )
            runs.append(_new_day(path, landing, work, profile.dbt_args))
        best = median_of(runs)
        histories.append(
            best | {"history_days": days, "history_rows": history_rows,
                    "history_build_seconds": history_build,
                    "ratio_to_alone": round(best["seconds"] / alone["seconds"], 2)}
        )  # fmt: skip
        log(f"incremental: new day on {days} days of history: {best['seconds']} s "
            f"({histories[-1]['ratio_to_alone']}x the day alone)")  # fmt: skip
        snapshot.unlink()
    return {"tickets_per_day": per_day, "command": profile.dbt_label,
            "alone": alone, "history": histories}  # fmt: skip
