"""``make ui``'s launcher (``ticket_platform/cli/ui.py``): it starts ``dagster dev`` without the
two false warnings and stops it, with everything it started, on SIGTERM and on Ctrl-C, also when
started as a background job (SIGINT ignored, as a non-interactive shell leaves it)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
from helpers.dagster_instances import user_instance

from ticket_platform.cli.ui import config_is_copied, start_run_retry_cursors

REPO = Path(__file__).resolve().parents[2]
DEV_ARGS = ["--empty-workspace", "-h", "127.0.0.1"]


def _ignore_sigint() -> None:
    """What a non-interactive shell does to a background job (and setsid, a session of its own)."""
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _alive(pgid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "-g", str(pgid)], capture_output=True, text=True)
    return [int(pid) for pid in out.stdout.split()]


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(child) for child in out.stdout.split()]


def _wait_gone(pids_of, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while pids_of() and time.monotonic() < deadline:
        time.sleep(0.2)


def test_config_is_copied(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    assert not config_is_copied(tmp_path, str(home)), "not copied yet"
    assert not config_is_copied(tmp_path, None)
    shutil.copy(tmp_path / "dagster.yaml", home / "dagster.yaml")
    assert config_is_copied(tmp_path, str(home))
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: true\n")
    assert not config_is_copied(tmp_path, str(home)), "edited since: the warning is true"


def test_the_run_retry_daemon_starts_after_the_newest_event(tmp_path):
    """As the daemon itself does on a new instance (older runs are not retried), once."""
    with user_instance(tmp_path / "home") as instance:
        dg.materialize([_touched], instance=instance)
        newest = instance.event_log_storage.get_maximum_record_id()
        assert newest > 0
        # The daemon's keys: RUN_FAILURE and RUN_SUCCESS under their legacy values.
        keys = {f"EVENT_LOG_CONSUMER_CURSOR-PIPELINE_{end}" for end in ("FAILURE", "SUCCESS")}
        assert start_run_retry_cursors(instance) == dict.fromkeys(keys, str(newest))
        dg.materialize([_touched], instance=instance)
        assert start_run_retry_cursors(instance) == {}, "an existing cursor is left alone"
        stored = instance.daemon_cursor_storage.get_cursor_values(keys)
        assert stored == dict.fromkeys(keys, str(newest))


@dg.asset
def _touched() -> None:
    return None


SERVER = """
import signal, sys, time
from pathlib import Path
marks = Path(sys.argv[1])
signal.signal(signal.SIGINT, signal.default_int_handler)
signal.signal(signal.SIGTERM, lambda *a: marks.open("a").write("SIGTERM\\n"))
marks.write_text("up\\n")
try:
    time.sleep(60)
except KeyboardInterrupt:
    time.sleep(0.5)  # an orderly shutdown takes a moment
    marks.open("a").write("SIGINT\\n")
"""

LAUNCHER = """
import sys
from ticket_platform.cli.ui import run_shielded
sys.exit(run_shielded([sys.executable, "-c", sys.argv[1], sys.argv[2]]))
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_group_reaches_the_server_once_as_sigint(tmp_path, sig):
    """``kill -TERM -<group>`` or Ctrl-C hits every process of the group; the server, in its own
    session, gets one SIGINT from the launcher and stops in order, and the launcher waits."""
    marks = tmp_path / "marks"
    launcher = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, SERVER, str(marks)], preexec_fn=_ignore_sigint
    )
    deadline = time.monotonic() + 20
    while not (marks.exists() and marks.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marks.read_text() == "up\n"
    os.killpg(launcher.pid, sig)
    assert launcher.wait(timeout=15) == 0
    assert marks.read_text() == "up\nSIGINT\n", "one SIGINT, no SIGTERM: not in the group"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_dagster_dev_starts_without_the_false_warnings_and_stops(tmp_path, sig):
    """The real ``dagster dev`` (an empty workspace: no code server to wait for), launched as
    ``make ui`` launches it: the project's dagster.yaml in the current folder and its copy in
    DAGSTER_HOME."""
    shutil.copy(REPO / "dagster.yaml", tmp_path / "dagster.yaml")
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    log = tmp_path / "ui.log"
    with log.open("wb") as out:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "ticket_platform.cli.ui", *DEV_ARGS, "-p", str(port)],
            cwd=tmp_path,
            env={**os.environ, "DAGSTER_HOME": str(home)},
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_ignore_sigint,
        )
    server = None
    try:
        deadline = time.monotonic() + 120
        while not _listening(port) and time.monotonic() < deadline:
            assert launcher.poll() is None, log.read_text()
            time.sleep(0.5)
        assert _listening(port), log.read_text()
        [server] = _children(launcher.pid)  # found first: the cleanup below stops it too
        time.sleep(8)  # the daemons' first iterations (the run-retry one: every 5 s)
        text = log.read_text()
        assert "Instance is configured with the following daemons" in text
        assert "EventLogConsumerDaemon" in text, "the run-retry daemon runs"
        warnings = [line for line in text.splitlines() if "WARNING" in line or "Warning:" in line]
        assert warnings == [], "not `dg dev`, not the copied dagster.yaml, not the first start"
        assert os.getsid(server) == server != os.getsid(launcher.pid), "a session of its own"

        os.killpg(launcher.pid, sig)
        assert launcher.wait(timeout=30) == 0
        _wait_gone(lambda: _alive(server), timeout=30)
        assert not _alive(server), "webserver, daemon and code servers all stopped"
        assert not _listening(port)
        assert "Dagster services shut down." in log.read_text()
    finally:
        for group in (server, *_children(launcher.pid), launcher.pid):
            if group and _alive(group):
                os.killpg(group, signal.SIGKILL)
