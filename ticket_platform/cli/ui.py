"""``make ui``: ``dagster dev`` on the project's instance, starting without false warnings and
stopping cleanly on Ctrl-C and on SIGTERM.

Run as ``python -m ticket_platform.cli.ui <dagster dev arguments>``. What the bare command gets
wrong here, and what this launcher does about it:

- Started as a background job of a non-interactive shell (``make ui &``, a CI script, a
  supervisor), a process inherits SIGINT *ignored*; ``dagster dev`` maps SIGTERM to its SIGINT
  handler, so it ignored SIGTERM too and never stopped. The server process restores Python's
  SIGINT handler first.
- Ctrl-C (and ``kill`` of a process group) signals every process of the group at once: the code
  server and in-flight runs died under the daemon, which then failed the runs it was launching
  and the runs in progress showed as failed. ``dagster dev`` runs here in a session of its own;
  this launcher, in the caller's group, receives SIGINT or SIGTERM and passes one SIGINT to
  ``dagster dev``, which stops the webserver, the daemon and the code server in order (a run in
  progress finishes).
- ``dagster dev`` warns that the ``dagster.yaml`` of the current folder "will not be used" because
  ``DAGSTER_HOME`` is elsewhere. ``make`` copies that file into ``DAGSTER_HOME`` (again whenever
  it changes), so it is used: the warning is dropped while the two files are identical, and
  shown when they differ (then it is true).
- ``dagster dev`` is superseded by ``dg dev`` (package ``dagster-dg-cli``), which this project
  does not install; that one warning is filtered, no other.
- On the first start on an instance (right after ``make demo``), the run-retry daemon warned "No
  cursor for event type RUN_FAILURE/RUN_SUCCESS, ignoring older events" and then started from the
  newest event. The launcher records that same starting point first, so the daemon behaves the
  same without the warning.
"""

from __future__ import annotations

import logging
import os
import runpy
import signal
import subprocess
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the launcher process itself does not import dagster
    import dagster as dg

SERVE = "--serve"  # internal: this process is the one that runs `dagster dev`
UNUSED_CONFIG_PREFIX = "Found a dagster instance configuration value"
# The exact text of the runtime warning of `dagster dev` (a FutureWarning subclass).
DEV_SUPERSEDED = r"Function `dev_command` is superseded .*Use 'dg dev' instead\."
# The keys under which Dagster's run-retry daemon (EventLogConsumerDaemon) keeps its cursors:
# this prefix and the event type's value (RUN_FAILURE's is the legacy "PIPELINE_FAILURE"). If a
# Dagster release renames them, the daemon ignores these and warns again, nothing worse.
RUN_RETRY_CURSOR_PREFIX = "EVENT_LOG_CONSUMER_CURSOR-"


class _CopiedConfigFilter(logging.Filter):
    """Drops the "dagster.yaml in the current folder is not used" record."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(UNUSED_CONFIG_PREFIX)


def config_is_copied(cwd: Path, dagster_home: str | None) -> bool:
    """Whether ``cwd``'s dagster.yaml is byte for byte the one ``DAGSTER_HOME`` uses."""
    if not dagster_home:
        return False
    local, used = cwd / "dagster.yaml", Path(dagster_home) / "dagster.yaml"
    return local.is_file() and used.is_file() and local.read_bytes() == used.read_bytes()


def start_run_retry_cursors(instance: dg.DagsterInstance) -> dict[str, str]:
    """Where the run-retry daemon starts on an instance it never ran on: after the newest event,
    as it would itself (older runs are not retried). Returns the cursors it set."""
    import dagster as dg

    keys = [
        RUN_RETRY_CURSOR_PREFIX + event_type.value
        for event_type in (dg.DagsterEventType.RUN_FAILURE, dg.DagsterEventType.RUN_SUCCESS)
    ]
    existing = instance.daemon_cursor_storage.get_cursor_values(set(keys))
    missing = [key for key in keys if key not in existing]
    if not missing:
        return {}
    newest = str(instance.event_log_storage.get_maximum_record_id() or 0)
    cursors = dict.fromkeys(missing, newest)
    instance.daemon_cursor_storage.set_cursor_values(cursors)
    return cursors


def serve(argv: Sequence[str]) -> None:
    """``dagster dev`` with ``argv`` in this process, set up as the module docstring says."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    warnings.filterwarnings("ignore", message=DEV_SUPERSEDED, category=FutureWarning)
    dagster_home = os.environ.get("DAGSTER_HOME")
    if config_is_copied(Path.cwd(), dagster_home):
        logging.getLogger("dagster").addFilter(_CopiedConfigFilter())
    if dagster_home:
        import dagster as dg

        with dg.DagsterInstance.get() as instance:
            start_run_retry_cursors(instance)
    sys.argv = ["dagster", "dev", *argv]
    runpy.run_module("dagster", run_name="__main__", alter_sys=True)


def run_shielded(command: Sequence[str]) -> int:
    """Run ``command`` in a session of its own; SIGINT or SIGTERM received here reaches it as
    one SIGINT each. Returns its exit status once it has stopped."""
    started: list[subprocess.Popen] = []
    received: list[int] = []

    def forward(signum: int, frame: object) -> None:
        received.append(signum)
        if started and started[0].poll() is None:
            started[0].send_signal(signal.SIGINT)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        started.append(subprocess.Popen(list(command), start_new_session=True))
        if received:  # a signal came while it was starting
            started[0].send_signal(signal.SIGINT)
        return started[0].wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Start ``dagster dev`` (arguments: ``argv``, default this command's) shielded; its status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == [SERVE]:
        serve(args[1:])
        return 0
    return run_shielded([sys.executable, "-m", "ticket_platform.cli.ui", SERVE, *args])


if __name__ == "__main__":
    sys.exit(main())
