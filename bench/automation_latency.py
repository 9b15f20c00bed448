"""File landed → marts updated, with no click: `dagster dev` (webserver + daemon) running locally.

1. Sets up a throwaway data dir and DAGSTER_HOME (the project's dagster.yaml), simulates a few
   days of tickets and loads them once (`ticket-platform run`), so the marts exist.
2. Starts `dagster dev` in its own process group and waits for the daemon's first ticks.
3. Lands new ticket files with `ticket-platform simulate` and times, from the last file written,
   until the instance records new materializations of raw/tickets, the day's evaluation,
   marts/fct_tickets and marts/fct_response_evaluations, all by sensors.
4. Stops dagster dev and checks the new tickets are in the marts.

    python bench/automation_latency.py [--tickets 50] [--timeout 600]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WATCHED = {
    "raw/tickets": ["raw", "tickets"],
    "evaluation/response_evaluations": ["evaluation", "response_evaluations"],
    "marts/fct_tickets": ["marts", "fct_tickets"],
    "marts/fct_response_evaluations": ["marts", "fct_response_evaluations"],
}


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(
        [str(BIN / args[0]), *args[1:]], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )


def _wait_for_ui(port: int, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2):
                return
        except OSError:
            time.sleep(1)
    raise TimeoutError("dagster dev did not start")


def _latest(instance, path: list[str]) -> float:
    import dagster as dg

    event = instance.get_latest_materialization_event(dg.AssetKey(path))
    return event.timestamp if event else 0.0


def _wait_for_runs(instance, since: float, timeout: float) -> dict[str, int]:
    """Wait until no run is queued or in progress; count the runs created since ``since``."""
    import dagster as dg

    busy = [
        dg.DagsterRunStatus.QUEUED,
        dg.DagsterRunStatus.NOT_STARTED,
        dg.DagsterRunStatus.STARTING,
        dg.DagsterRunStatus.STARTED,
    ]
    deadline = time.time() + timeout
    while instance.get_runs(filters=dg.RunsFilter(statuses=busy)) and time.time() < deadline:
        time.sleep(2)
    counts: dict[str, int] = {}
    for run in instance.get_runs(
        filters=dg.RunsFilter(created_after=datetime.fromtimestamp(since, UTC))
    ):
        name = f"{run.job_name}:{run.status.value}"
        counts[name] = counts.get(name, 0) + 1
    return counts


def _count(warehouse: Path, table: str) -> int:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"select count(*) from {table}").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--port", type=int, default=3333)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="latency-"))
    home = tmp / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "TICKET_DATA_DIR": str(tmp / "data"),
        "DAGSTER_HOME": str(home),
        "PATH": f"{BIN}:{os.environ['PATH']}",
    }
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    print(f"baseline: 300 tickets over 3 days into {tmp}", flush=True)
    _run(["ticket-platform", "simulate", "--tickets", "300", "--days", "3", "--seed", "1"], env)
    _run(["ticket-platform", "run"], env)
    warehouse = tmp / "data" / "warehouse.duckdb"
    before = _count(warehouse, "marts.fct_tickets")

    log = open(tmp / "dagster_dev.log", "w")  # noqa: SIM115 - closed after the process stops
    dev = subprocess.Popen(
        [
            str(BIN / "dagster"),
            "dev",
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(args.port),
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    result: dict = {"tickets": args.tickets, "baseline_rows": before}
    try:
        _wait_for_ui(args.port, 180)
        time.sleep(45)  # the daemon's first ticks see nothing new
        os.environ["DAGSTER_HOME"] = str(home)
        import dagster as dg

        instance = dg.DagsterInstance.get()
        _run(
            [
                "ticket-platform",
                "simulate",
                "--tickets",
                str(args.tickets),
                "--days",
                "1",
                "--end",
                yesterday,
                "--seed",
                "7",
                "--id-offset",
                "500000",
            ],
            env,
        )
        landed = time.time()
        print(f"{args.tickets} new ticket files landed; waiting for the sensors", flush=True)
        pending = dict(WATCHED)
        while pending and time.time() - landed < args.timeout:
            for name, path in list(pending.items()):
                if _latest(instance, path) > landed:
                    result[f"{name}_s"] = round(time.time() - landed, 1)
                    print(f"  {name} updated after {result[f'{name}_s']} s", flush=True)
                    del pending[name]
            time.sleep(1)
        result["timed_out"] = sorted(pending)
        result["runs_after_landing"] = _wait_for_runs(instance, landed, args.timeout)
    finally:
        os.killpg(dev.pid, signal.SIGTERM)
        try:
            dev.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(dev.pid, signal.SIGKILL)
        log.close()
    result["rows_after"] = _count(warehouse, "marts.fct_tickets")
    result["new_rows_in_fct_tickets"] = result["rows_after"] - before
    alerts = tmp / "data" / "alerts" / "alerts.jsonl"
    result["alerts_logged"] = len(alerts.read_text().splitlines()) if alerts.exists() else 0
    result["data_dir"] = str(tmp)
    print(json.dumps(result, indent=2))
    (ROOT / "bench" / "automation_latency.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
