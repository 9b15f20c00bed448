"""`ticket-platform run --json` as a user runs it: a subprocess in its own data folder, landing
zone and DAGSTER_HOME (with the project's dagster.yaml, as the CLI's first run writes it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ticket_platform.ingest.landing import LocalLanding

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    """``ticket-platform <args>`` in a subprocess with ``env``; never raises on its exit code."""
    return subprocess.run(
        [sys.executable, "-m", "ticket_platform.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class CliRun:
    """One `ticket-platform run --json` in its own data folder, landing zone and DAGSTER_HOME."""

    base: Path
    returncode: int
    stderr: str
    summary: dict

    @property
    def landing(self) -> LocalLanding:
        return LocalLanding(self.base / "landing")

    def count(self, relation: str) -> int:
        with duckdb.connect(str(self.base / "data" / "warehouse.duckdb"), read_only=True) as con:
            return con.execute(f"select count(*) from {relation}").fetchone()[0]


def run_platform(base: Path) -> CliRun:
    home = base / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")  # as the CLI's first run does
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("TICKET_")}
    env = inherited | {
        "TICKET_DATA_DIR": str(base / "data"),
        "TICKET_LANDING_URI": str(base / "landing"),
        "DAGSTER_HOME": str(home),
    }
    done = subprocess.run(
        [sys.executable, "-m", "ticket_platform.cli.main", "run", "--json"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    summary = json.loads(done.stdout) if done.stdout.strip() else {}
    return CliRun(base, done.returncode, done.stderr, summary)
