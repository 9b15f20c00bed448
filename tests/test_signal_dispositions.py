"""The suite's processes, and ``ticket-platform run``, stop on SIGTERM however they were launched
(``ticket_platform.cli.console.keep_sigterm_working``, called by tests/conftest.py and ``run``).

A background job (``make test &``, ``nohup``, a CI step without job control) starts with SIGINT
ignored; after an in-process Dagster run its process ignored SIGTERM too (Dagster maps SIGTERM to
SIGINT's handler and restores it), and so did every child: compute-log ``tail`` processes and a
benchmark's S3 server outlived ``terminate()`` and the tests waiting for them hung.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import dagster as dg

REPO = Path(__file__).resolve().parents[1]


def test_a_child_stops_on_terminate_after_an_in_process_run() -> None:
    @dg.op
    def one() -> int:
        return 1

    @dg.job
    def in_process() -> None:
        one()

    assert in_process.execute_in_process().success
    child = subprocess.Popen(["sleep", "60"])
    child.terminate()
    assert child.wait(timeout=10) == -signal.SIGTERM


def test_the_same_under_a_launcher_that_ignores_sigint() -> None:
    def ignore_sigint() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    test = f"{Path(__file__).name}::test_a_child_stops_on_terminate_after_an_in_process_run"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"tests/{test}"],
        cwd=REPO,
        env={**os.environ, "PYTEST_ADDOPTS": ""},
        preexec_fn=ignore_sigint,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_ticket_platform_run_keeps_sigterm_when_started_in_the_background() -> None:
    """What ``run`` does first, in a process started with SIGINT ignored: after an in-process
    Dagster run, SIGTERM still stops the process itself."""
    script = (
        "import os, signal, dagster as dg\n"
        "from ticket_platform.cli.console import keep_sigterm_working\n"
        "keep_sigterm_working()\n"
        "@dg.op\n"
        "def one(): return 1\n"
        "@dg.job\n"
        "def j(): one()\n"
        "assert j.execute_in_process().success\n"
        "print('ready', flush=True)\n"
        "signal.pause()\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=REPO,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "ready"
        process.terminate()
        assert process.wait(timeout=20) != 0  # stopped by SIGTERM (KeyboardInterrupt or signal)
    finally:
        if process.poll() is None:
            process.kill()
