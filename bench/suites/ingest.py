"""Ingest of N one-ticket files, landing → staging, four ways on the same files.

* ``platform_ingest``: this platform's loader as the ingest asset runs it (list, ledger check,
  contract validation, dedupe, quarantine, DuckDB write), with its default settings;
* ``dlt``: the peer loader a user would pick instead: ``dlt[duckdb]``'s filesystem source with
  ``read_jsonl``, merged on ``ticket_id`` (the same dedupe) into DuckDB, dlt's defaults otherwise;
* ``plain_read_parse``: the limit of this machine: walk, read, ``json.loads``, nothing else;
* ``duckdb_read_json``: DuckDB's own ``read_json`` over a glob of the same files;
* ``duckdb_write_alone``: a yardstick, not a loader: the same files' rows, parsed by the
  platform's parser before the clock starts, inserted from one Arrow table into ``raw.tickets``
  of a fresh DuckDB file and checkpointed as it closes: what writing the rows costs any loader
  into DuckDB, whatever it does before.

Every contender runs in its own process (``python -m bench.suites.ingest --contender …``), so
its peak RSS is its own. The page cache is warmed once per size before any timing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from datetime import date
from pathlib import Path

from bench.common import generate_landing, log, median_of, peak_rss_mb, run_child, work_dir
from bench.profiles import Profile

END = date(2025, 8, 30)
CONTENDERS = (
    "plain_read_parse",
    "platform_ingest",
    "dlt",
    "duckdb_read_json",
    "duckdb_write_alone",
)


# ----------------------------------------------------------------------------------------------
# Contenders (each in a child process)
# ----------------------------------------------------------------------------------------------
def plain_read_parse(landing: Path, _: Path) -> int:
    count = 0
    for dirpath, _dirs, files in os.walk(landing / "tickets"):
        for name in files:
            with open(os.path.join(dirpath, name), "rb") as handle:
                json.loads(handle.read())
            count += 1
    return count


def platform_ingest(landing: Path, workdir: Path) -> int:
    from ticket_platform.ingest.landing import LocalLanding
    from ticket_platform.ingest.tickets import discover_days, load_partitions
    from ticket_platform.settings import get_settings
    from ticket_platform.warehouse.duckdb_engine import duckdb_session

    store = LocalLanding(landing)
    days, _ = discover_days(store)  # the day folders, as `ticket-platform run` finds them
    with duckdb_session(workdir / "platform.duckdb") as session:
        # as the raw/tickets asset loads a run's partitions (a backfill is one run)
        processes = get_settings().parse_processes  # TICKET_PARSE_PROCESSES, as the asset reads it
        return load_partitions(
            store, session, days, run_id="bench", parse_processes=processes
        ).rows_inserted


def dlt_filesystem(landing: Path, workdir: Path) -> int:
    # Offline machine: no usage telemetry (a correctness setting here, not a speed one).
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    import dlt
    import duckdb
    from dlt.sources.filesystem import filesystem, read_jsonl

    files = filesystem(bucket_url=(landing / "tickets").as_uri(), file_glob="**/*.json")
    tickets = (files | read_jsonl()).with_name("tickets")
    tickets.apply_hints(primary_key="ticket_id", write_disposition="merge")
    database = workdir / "dlt.duckdb"
    pipeline = dlt.pipeline(
        pipeline_name="bench_tickets",
        destination=dlt.destinations.duckdb(str(database)),
        dataset_name="raw",
        pipelines_dir=str(workdir / "pipelines"),
        progress="log" if os.environ.get("BENCH_VERBOSE") else None,
    )
    pipeline.run(tickets)
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute("select count(*) from raw.tickets").fetchone()[0]


def duckdb_read_json(landing: Path, workdir: Path) -> int:
    import duckdb

    pattern = str(landing / "tickets" / "**" / "*.json")
    with duckdb.connect(str(workdir / "read_json.duckdb")) as con:
        con.execute("create table tickets as select * from read_json(?)", [pattern])
        return con.execute("select count(*) from tickets").fetchone()[0]


def parsed_rows(landing: Path):
    """Every file's staged rows as the platform's parser gives them (one Arrow table)."""
    from datetime import datetime

    import pyarrow as pa

    from ticket_platform.ingest.landing import LocalLanding
    from ticket_platform.ingest.tickets import TICKETS, discover_days, partition_prefix

    store = LocalLanding(landing)
    days, _ = discover_days(store)
    batches = [
        TICKETS.parse_files(
            store, list(store.list_keys(partition_prefix(day))), day, "bench", datetime.now()
        )
        for day in days
    ]
    return pa.concat_tables([batch.rows for batch in batches])


def duckdb_write_alone(rows, workdir: Path) -> int:
    from ticket_platform.ingest.tickets import ensure_tables
    from ticket_platform.warehouse.duckdb_engine import duckdb_session

    with duckdb_session(workdir / "write_alone.duckdb") as session:
        ensure_tables(session)
        session.con.register("parsed", rows)
        columns = ", ".join(rows.column_names)
        session.execute(f"insert into raw.tickets ({columns}) select {columns} from parsed")
        count = session.query("select count(*) from raw.tickets")[0][0]
    return count  # the clock stops after the close, which checkpoints


FUNCTIONS = {
    "plain_read_parse": plain_read_parse,
    "platform_ingest": platform_ingest,
    "dlt": dlt_filesystem,
    "duckdb_read_json": duckdb_read_json,
    "duckdb_write_alone": duckdb_write_alone,
}
SETUP = {"duckdb_write_alone": parsed_rows}  # before the clock starts
IMPORTS = {
    "platform_ingest": (
        "ticket_platform.ingest.tickets",
        "ticket_platform.ingest.landing",
        "ticket_platform.warehouse.duckdb_engine",
        "duckdb",
        "pyarrow.dataset",  # DuckDB imports it on its first Arrow scan: ~0.09 s, once a process
    ),
    "dlt": ("dlt", "dlt.sources.filesystem", "duckdb"),
    "duckdb_read_json": ("duckdb",),
    "duckdb_write_alone": ("ticket_platform.warehouse.duckdb_engine", "duckdb", "pyarrow.dataset"),
}


def measure_in_this_process(name: str, landing: Path, workdir: Path) -> dict:
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    for module in IMPORTS.get(name, ()):  # start-up is not ingest
        __import__(module)
    source = SETUP[name](landing) if name in SETUP else landing
    started = time.perf_counter()
    rows = FUNCTIONS[name](source, workdir)
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": seconds, "peak_rss_mb": round(peak_rss_mb())}


# ----------------------------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------------------------
def _child(name: str, landing: Path) -> dict:
    workdir = work_dir() / "ingest-db" / name
    return run_child("bench.suites.ingest", "--contender", name, "--landing", str(landing),
                     "--workdir", str(workdir))  # fmt: skip


def _contenders_at(size: int, profile: Profile) -> list[str]:
    wanted = ["plain_read_parse", "platform_ingest"]
    if size <= profile.dlt_max_files:
        wanted.append("dlt")
    if size <= profile.read_json_max_files:
        wanted.append("duckdb_read_json")
    if size <= profile.write_alone_max_files:
        wanted.append("duckdb_write_alone")
    return wanted


def _measure(name: str, landing: Path, size: int, profile: Profile) -> dict:
    runs = [_child(name, landing)]
    if runs[0]["seconds"] <= profile.slow_run_seconds:
        runs += [_child(name, landing) for _ in range(profile.repeats - 1)]
    best = median_of(runs)
    return best | {"files_per_s": round(size / best["seconds"], 1)}


def run(profile: Profile) -> dict:
    sizes = []
    warmed: set[str] = set()
    for size in profile.ingest_sizes:
        days = min(profile.ingest_days, max(1, size // 100))
        landing = generate_landing(
            work_dir() / f"landing-{size}-{days}d-s{profile.seed}", size, days, END, profile.seed
        )
        plain_read_parse(landing, landing)  # the same warm page cache for every contender
        results, failures = {}, {}
        for name in _contenders_at(size, profile):
            try:
                if name not in warmed:
                    log(f"ingest: warm-up run of {name} at {size:,} files")
                    _child(name, landing)
                    warmed.add(name)
                log(f"ingest: {name} on {size:,} files")
                results[name] = _measure(name, landing, size, profile)
                log(f"ingest: {name} {size:,} files in {results[name]['seconds']:.2f} s")
            except RuntimeError as error:  # a contender that cannot finish is a result too
                failures[name] = _last_error_line(str(error))
                log(f"ingest: {name} failed on {size:,} files: {failures[name]}")
        sizes.append(
            {"files": size, "days": days, "contenders": results, "failed": failures}
            | _ratios(results)
        )
    return {"sizes": sizes, "note": "page cache warm; one process per run; median of repeats"}


def _last_error_line(message: str) -> str:
    lines = [line.strip() for line in message.splitlines() if "Error" in line or "error" in line]
    return (lines[-1] if lines else message.strip().splitlines()[-1])[:300]


def _ratios(results: dict) -> dict:
    """The platform's rate over each other contender's (none for one that failed)."""
    if "platform_ingest" not in results:
        return {}
    platform = results["platform_ingest"]["files_per_s"]
    names = {
        "plain_read_parse": "plain",
        "dlt": "dlt",
        "duckdb_read_json": "read_json",
        "duckdb_write_alone": "write_alone",
    }
    return {
        f"platform_vs_{short}": round(platform / results[name]["files_per_s"], 3)
        for name, short in names.items()
        if name in results
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contender", choices=CONTENDERS, required=True)
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    args = parser.parse_args()
    result = measure_in_this_process(args.contender, args.landing, args.workdir)
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
