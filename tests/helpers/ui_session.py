"""A small demo in a folder of its own, and the servers a person looks at it with: ``make ui``'s
launcher (``ticket_platform/cli/ui.py``, ``dagster dev`` on the demo's instance) and
``ticket-platform docs-server`` (the dbt docs site). Each runs in a session of its own and is
stopped, with every process it started, by :meth:`Server.stop`."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from helpers.cli_run import REPO, CliRun, run_platform

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def platform_env(base: Path, **extra: str) -> dict[str, str]:
    """The environment of a user whose data folder, landing zone and DAGSTER_HOME are under
    ``base`` (as :func:`helpers.cli_run.run_platform` sets them), with ``extra`` settings."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("TICKET_")}
    return inherited | {
        "TICKET_DATA_DIR": str(base / "data"),
        "TICKET_LANDING_URI": str(base / "landing"),
        "DAGSTER_HOME": str(base / "dagster_home"),
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",  # dbt, as `make ui` has it
        **extra,
    }


def build_small_demo(base: Path, tickets: int = 60, days: int = 2, seed: int = 42) -> CliRun:
    """``make demo`` at a small size under ``base``: ``simulate`` (tickets and help-desk events
    through the real-time path, offline) into the landing zone, then ``run --json``."""
    simulated = subprocess.run(
        [
            sys.executable,
            "-m",
            "ticket_platform.cli.main",
            "simulate",
            "--tickets",
            str(tickets),
            "--days",
            str(days),
            "--seed",
            str(seed),
            "--landing",
            str(base / "landing"),
        ],
        env=platform_env(base),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if simulated.returncode != 0:
        raise RuntimeError(f"simulate failed:\n{simulated.stderr[-3000:]}")
    return run_platform(base)


@dataclass
class Server:
    """A server process started in a session of its own, its log and its URL."""

    process: subprocess.Popen
    url: str
    port: int
    log: Path
    stop_signal: int = signal.SIGTERM

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def wait_listening(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not listening(self.port):
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.url} exited early:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{self.url} not listening after {timeout} s:\n{self.log_tail()}"
                )
            time.sleep(0.5)

    def stop(self, timeout: float = 60.0) -> None:
        """Signal the process (the UI launcher passes one SIGINT to ``dagster dev``, which stops
        its webserver, daemon and code server in order); SIGKILL whatever is left."""
        children = _children(self.process.pid)
        if self.process.poll() is None:
            os.kill(self.process.pid, self.stop_signal)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=timeout)
        for group in (*children, self.process.pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait(timeout=10)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(child) for child in out.stdout.split()]


def _start(command: list[str], env: dict[str, str], log: Path, port: int, **kw) -> Server:
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(process=process, url=f"http://127.0.0.1:{port}", port=port, log=log, **kw)


def start_ui(base: Path, **settings: str) -> Server:
    """``make ui`` on the demo under ``base`` (its workspace.yaml, from the repository), with
    extra ``TICKET_*`` ``settings``; returns once the webserver listens."""
    port = free_port()
    server = _start(
        [
            sys.executable,
            "-m",
            "ticket_platform.cli.ui",
            "-w",
            str(REPO / "workspace.yaml"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        platform_env(base, **settings),
        base / "ui.log",
        port,
    )
    try:
        server.wait_listening(timeout=180)
    except BaseException:
        server.stop()
        raise
    return server


def start_docs_server(base: Path, site: Path) -> Server:
    """``ticket-platform docs-server`` serving the dbt docs folder ``site`` under /docs."""
    port = free_port()
    server = _start(
        [
            sys.executable,
            "-m",
            "ticket_platform.cli.main",
            "docs-server",
            "--uri",
            str(site),
            "--port",
            str(port),
        ],
        platform_env(base),
        base / "docs-server.log",
        port,
    )
    try:
        server.wait_listening(timeout=60)
    except BaseException:
        server.stop()
        raise
    return server
