"""Two first `ticket-platform run`s at once on a fresh DAGSTER_HOME must leave it usable.

Both used to create the SQLite schema at the same time and could leave two heads in
``alembic_version``, after which every run exited 1. Each round starts three processes that do
what the CLI does first (create DAGSTER_HOME and its instance), released at the same instant;
afterwards every database has one revision and a real run succeeds.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.dbt  # the last step is a real run, dbt included

REPO = Path(__file__).resolve().parents[2]
CLI = (sys.executable, "-m", "ticket_platform.cli.main")  # run from REPO: this checkout's code
ROUNDS = 5
PROCESSES = 3
# What `ticket-platform run` does before its first job: the CLI's set-up, then the runner's
# DagsterInstance.get(). Each process says it is ready, then waits for the go file.
FIRST_RUN = """
import sys, time
from pathlib import Path
import dagster as dg
from ticket_platform.cli.main import _ensure_dagster_home
from ticket_platform.settings import get_settings
ready, go = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
while not go.exists():
    time.sleep(0.0005)
_ensure_dagster_home(get_settings())
with dg.DagsterInstance.get() as instance:
    instance.get_run_records(limit=1)
"""


def _env(base: Path) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("TICKET_", "DAGSTER_"))}
    return inherited | {
        "TICKET_DATA_DIR": str(base / "data"),
        "TICKET_LANDING_URI": str(base / "landing"),
        "DAGSTER_HOME": str(base / "dagster_home"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def _start_together(base: Path) -> list[subprocess.CompletedProcess]:
    base.mkdir(parents=True)
    go = base / "go"
    processes = []
    for n in range(PROCESSES):
        ready = base / f"ready{n}"
        command = [sys.executable, "-c", FIRST_RUN, str(ready), str(go)]
        processes.append(
            (
                ready,
                subprocess.Popen(
                    command,
                    cwd=REPO,
                    env=_env(base),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
        )
    deadline = time.monotonic() + 120
    while not all(ready.exists() for ready, _ in processes):
        assert time.monotonic() < deadline, "the processes never got ready"
        time.sleep(0.01)
    go.touch()
    results = []
    for _, process in processes:
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def _revisions(home: Path) -> dict[str, list[str]]:
    revisions = {}
    for database in sorted(home.rglob("*.db")):
        with sqlite3.connect(database) as con:
            tables = {row[0] for row in con.execute("select name from sqlite_master")}
            if "alembic_version" in tables:
                rows = con.execute("select version_num from alembic_version").fetchall()
                revisions[str(database.relative_to(home))] = [row[0] for row in rows]
    return revisions


def test_concurrent_first_runs_leave_one_schema_and_a_working_instance(tmp_path):
    for round_ in range(ROUNDS):
        base = tmp_path / f"round{round_}"
        results = _start_together(base)
        for result in results:
            assert result.returncode == 0, result.stderr[-3000:]
        revisions = _revisions(base / "dagster_home")
        assert revisions, "no instance database was created"
        for database, heads in revisions.items():
            assert len(heads) == 1, f"round {round_}: {database} has heads {heads}"

    # A third run on the last round's instance, through the real CLI, succeeds.
    generated = subprocess.run(
        [*CLI, "generate", "--count", "300", "--days", "3", "--end", "2025-08-11"],
        cwd=REPO,
        env=_env(base),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert generated.returncode == 0, generated.stderr[-3000:]
    third = subprocess.run(
        [*CLI, "run"],
        cwd=REPO,
        env=_env(base),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert third.returncode == 0, third.stderr[-3000:]
    assert all(len(heads) == 1 for heads in _revisions(base / "dagster_home").values())
