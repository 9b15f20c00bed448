"""What the headless CLI needs from the Dagster instance: serialized creation, recovery of runs
killed mid-flight, and a word when a run waits for a pool another run holds.

``ticket-platform run`` executes its jobs inside its own process (``execute_in_process``) against
the instance at ``DAGSTER_HOME``, with no daemon beside it. Two things follow:

* Two first runs at once would both create the SQLite schema and leave two heads in
  ``alembic_version``, after which no run starts. :func:`ensure_instance` creates the instance
  under a file lock, so the second process waits and then finds the schema in place.
* A run killed with ``kill -9`` (OOM, reboot) stays STARTED and keeps its concurrency pool slot
  forever: nothing else would ever release it, and every later run waits for that slot.
  :func:`start_headless_run` registers the process (a file it holds locked while it lives), marks
  the runs of dead headless processes failed and frees their slots, and watches the pools while
  the jobs run, so a wait on a live run's slot is said rather than silent.

A run is judged dead only when it was launched by ``ticket-platform run`` and the process that
executed it (the pid its events carry) is gone: the run of another live ``ticket-platform run``,
or any run of ``dagster dev``, is never touched.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import IO

import dagster as dg
from filelock import FileLock, Timeout
from rich.markup import escape

# The tag runner.run_everything puts on every run it launches.
LAUNCHED_BY_TAG = ("launched_by", "ticket-platform run")
INSTANCE_LOCK = ".instance.lock"  # serializes creating the instance and recovering runs
PROCESSES_FOLDER = ".headless"  # <pid>@<host>.lock, held locked by each live headless process
LOCK_TIMEOUT_SECONDS = 300
WATCH_INTERVAL_SECONDS = 10.0
REMIND_AFTER_SECONDS = 60.0
UNFINISHED = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]

Log = Callable[[str], None]

# Per DAGSTER_HOME, this process's open and locked registration file, and its pool watcher.
_registrations: dict[Path, IO[str]] = {}
_watched: set[Path] = set()


def ensure_instance(home: Path, config_text: str) -> None:
    """Create ``home``, its ``dagster.yaml`` (``config_text``, when there is none yet) and the
    instance's storage, one process at a time."""
    home.mkdir(parents=True, exist_ok=True)
    with _instance_lock(home):
        config = home / "dagster.yaml"
        if not config.exists():
            partial = home / f".dagster.yaml.{os.getpid()}"
            partial.write_text(config_text)
            partial.replace(config)  # never a half-written file for a reader
        with dg.DagsterInstance.from_config(str(home)) as instance:
            instance.get_run_records(limit=1)  # the run, event log and schedule storage exist now
            instance.event_log_storage.get_concurrency_keys()


def start_headless_run(home: Path, log: Log) -> list[str]:
    """Before a headless run: register this process, recover the runs of dead headless processes
    (their ids are returned) and start watching the pools. ``home`` must exist
    (:func:`ensure_instance`)."""
    register_process(home)
    try:
        with _instance_lock(home), dg.DagsterInstance.from_config(str(home)) as instance:
            recovered = recover_killed_runs(instance, home, log)
            forget_dead_processes(home)
    except Exception as error:  # a courtesy to the run, never the reason it does not start
        log(f"[yellow]could not look for killed runs: {escape(repr(error))}[/yellow]")
        recovered = []
    watch_pools(home, log)
    return recovered


def register_process(home: Path) -> None:
    """Hold ``<home>/.headless/<pid>@<host>.lock`` locked until this process ends: while it is
    locked, the runs this process executes are alive, whatever else shares the pid."""
    if home in _registrations:
        return
    folder = home / PROCESSES_FOLDER
    folder.mkdir(exist_ok=True)
    path = folder / f"{os.getpid()}@{socket.gethostname()}.lock"
    handle = path.open("a+")
    fcntl.flock(handle, fcntl.LOCK_EX)  # a prober holds it for an instant at most
    handle.truncate(0)
    handle.write(json.dumps({"pid": os.getpid(), "started": time.time()}))
    handle.flush()
    _registrations[home] = handle

    def unregister() -> None:
        with suppress(OSError):
            path.unlink()
        handle.close()

    atexit.register(unregister)


def forget_dead_processes(home: Path) -> None:
    """Delete the registrations no live process holds (left by killed processes). A process
    that registers under the same name meanwhile is still judged right: unregistered processes
    are looked up by pid and start time."""
    for path in (home / PROCESSES_FOLDER).glob("*.lock"):
        if not _locked(path):
            with suppress(OSError):
                path.unlink()


def recover_killed_runs(instance: dg.DagsterInstance, home: Path, log: Log) -> list[str]:
    """Mark failed the unfinished ``ticket-platform run`` runs whose process is gone and free
    their pool slots; free the slots still held by finished runs (nothing else would)."""
    recovered = []
    records = instance.get_run_records(
        filters=dg.RunsFilter(statuses=UNFINISHED, tags=dict([LAUNCHED_BY_TAG]))
    )
    for record in records:
        run = record.dagster_run
        pid = run_pid(instance, run.run_id)
        if pid is None:  # never started: it holds no slot, and whose it was cannot be told
            continue
        since = record.start_time or record.create_timestamp.timestamp()
        if process_alive(home, pid, since):
            continue
        started = _when(since)
        instance.report_run_failed(
            run,
            message=(
                f"The process that ran this run (pid {pid}) ended before the run finished "
                "(killed?); marked failed by ticket-platform run, which freed its pool slots."
            ),
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        log(
            f"[yellow]run {run.run_id} ({run.job_name}, started {started}, pid {pid}) was killed "
            "before it finished; marked failed and freed its pool slots[/yellow]"
        )
        recovered.append(run.run_id)
    for pool, info in _pool_infos(instance).items():
        for run_id in {claim.run_id for claim in info.claimed_slots}:
            run = instance.get_run_by_id(run_id)
            if run is None or run.is_finished:
                instance.event_log_storage.free_concurrency_slots_for_run(run_id)
                state = "was deleted" if run is None else f"ended ({run.status.value})"
                log(f"[yellow]run {run_id} {state} holding pool {pool}; freed its slot[/yellow]")
    return recovered


def run_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The pid of the process that executed an in-process run, which its RUN_START event (or,
    if it died before that, an early event) carries. Events planned at the run's creation do not
    carry one."""
    started = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.RUN_START, limit=1
    ).records
    for record in [*started, *instance.get_records_for_run(run_id, limit=50).records]:
        event = record.event_log_entry.dagster_event
        if event is not None and event.pid is not None:
            return event.pid
    return None


def process_alive(home: Path, pid: int, since: float) -> bool:
    """Whether the process ``pid`` that started a run at ``since`` (epoch seconds) still runs.

    A registered headless process is alive while its registration file is locked (this holds on
    any host sharing ``home``). A process that never registered (an older CLI, code calling the
    runner directly) is looked up on this host: alive if a process with that pid exists and
    started before the run (a later one only reuses the pid).
    """
    registrations = list((home / PROCESSES_FOLDER).glob(f"{pid}@*.lock"))
    if registrations:
        return any(_locked(path) for path in registrations)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    started = _process_start(pid)
    return started is None or started <= since + 2.0


def watch_pools(home: Path, log: Log, interval: float = WATCH_INTERVAL_SECONDS) -> None:
    """Check the pools every ``interval`` seconds in a daemon thread, while this process lives."""
    if home in _watched:
        return
    _watched.add(home)

    def loop() -> None:
        watch = PoolWatch(home, log)
        instance = None
        while True:
            time.sleep(interval)
            with suppress(Exception):  # a watcher's hiccup must never sink the run it watches
                instance = instance or dg.DagsterInstance.from_config(str(home))
                watch.check(instance)

    threading.Thread(target=loop, name="pool-watch", daemon=True).start()


class PoolWatch:
    """When a run of this process waits for a pool slot, say which run holds it (again each
    minute); recover the holder instead when its process is gone or it has finished."""

    def __init__(self, home: Path, log: Log):
        self.home = home
        self.log = log
        self.told: dict[tuple[str, str], float] = {}  # (pool, holder) -> when last said
        self.pids: dict[str, int] = {}

    def check(self, instance: dg.DagsterInstance) -> None:
        for pool, info in _pool_infos(instance).items():
            holders = {claim.run_id: claim.step_key for claim in info.claimed_slots}
            waiting = [
                step
                for step in info.pending_steps
                if step.run_id not in holders and self.pid(instance, step.run_id) == os.getpid()
            ]
            if not waiting:
                continue
            since = min(step.enqueued_timestamp.timestamp() for step in waiting)
            for holder, step_key in holders.items():
                self.check_holder(instance, pool, holder, step_key, since)

    def check_holder(
        self, instance: dg.DagsterInstance, pool: str, holder: str, step_key: str, since: float
    ) -> None:
        now = time.time()
        record = instance.get_run_record_by_id(holder)
        run = record.dagster_run if record else None
        pid = self.pid(instance, holder)
        started = (record.start_time if record else None) or now
        ours = run is not None and run.tags.get(LAUNCHED_BY_TAG[0]) == LAUNCHED_BY_TAG[1]
        if (
            run is None
            or run.is_finished
            or (ours and pid is not None and not process_alive(self.home, pid, started))
        ):
            with _instance_lock(self.home):
                recover_killed_runs(instance, self.home, self.log)
            return
        if now - self.told.get((pool, holder), 0.0) < REMIND_AFTER_SECONDS:
            return
        self.told[(pool, holder)] = now
        launcher = "ticket-platform run" if ours else "another launcher (dagster dev?)"
        self.log(
            f"[yellow]waiting {now - since:.0f}s for pool {pool}: its slot is held by run "
            f"{holder} ({run.job_name}, step {step_key}, started {_when(started)}, pid "
            f"{pid if pid is not None else 'unknown'}, launched by {launcher}); it is released "
            "when that run's step ends[/yellow]"
        )

    def pid(self, instance: dg.DagsterInstance, run_id: str) -> int | None:
        if run_id not in self.pids:
            pid = run_pid(instance, run_id)
            if pid is None:
                return None  # not started yet: ask again next time
            self.pids[run_id] = pid
        return self.pids[run_id]


def _pool_infos(instance: dg.DagsterInstance) -> dict:
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return {}
    return dict(storage.get_concurrency_infos(sorted(storage.get_concurrency_keys())))


@contextmanager
def _instance_lock(home: Path) -> Iterator[None]:
    lock = FileLock(home / INSTANCE_LOCK)
    try:
        lock.acquire(timeout=LOCK_TIMEOUT_SECONDS)
    except Timeout as error:
        raise RuntimeError(
            f"waited {LOCK_TIMEOUT_SECONDS}s for {lock.lock_file}: another process is still "
            "creating the Dagster instance or recovering its killed runs"
        ) from error
    try:
        yield
    finally:
        lock.release()


def _locked(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    except FileNotFoundError:  # its process ended normally meanwhile
        return False


def _process_start(pid: int) -> float | None:
    """When process ``pid`` started (epoch seconds), where /proc tells; None elsewhere."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
    except (OSError, StopIteration, ValueError, IndexError):
        return None
    ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22, counted after the command
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
