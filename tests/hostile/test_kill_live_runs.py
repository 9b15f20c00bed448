"""Recovering killed runs never touches a live one.

Each holder below is a separate process executing a one-op job in process, the way
`ticket-platform run` does, whose op holds a pool slot until the process is killed: a registered
headless process, an unregistered one tagged like the CLI's runs (an older CLI, or code calling
the runner directly) and an untagged one (a run of `dagster dev`'s launcher). While they live,
recovery leaves all three alone; once killed, only the runs tagged `launched_by: ticket-platform
run` are marked failed and their slots freed. A run of this process waiting for a held pool is
told which run holds it, and the holder is recovered when its process is gone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import pytest

from ticket_platform.cli import headless
from ticket_platform.settings import PROJECT_ROOT

REPO = Path(__file__).resolve().parents[2]
HOLDER = """
import sys, time
from pathlib import Path
import dagster as dg
from ticket_platform.cli import headless
home, pool, ready = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
if sys.argv[4] == "register":
    headless.register_process(home)

@dg.op(pool=pool)
def hold():
    ready.touch()
    time.sleep(600)

@dg.job
def holding():
    hold()

tags = {"launched_by": "ticket-platform run"} if sys.argv[5] == "tagged" else {}
with dg.DagsterInstance.from_config(str(home)) as instance:
    holding.execute_in_process(instance=instance, tags=tags)
"""
HOLD = (sys.executable, "-c", HOLDER)
STARTED = dg.DagsterRunStatus.STARTED


@pytest.fixture
def home(tmp_path) -> Path:
    home = tmp_path / "dagster_home"
    headless.ensure_instance(home, (PROJECT_ROOT / "dagster.yaml").read_text())
    return home


class Holder:
    """A process whose run holds a slot of `pool` until it is killed."""

    def __init__(self, home: Path, pool: str, register: bool, tagged: bool):
        flags = ("register" if register else "-", "tagged" if tagged else "-")
        self.home = home
        self.pool = pool
        ready = home.parent / f"{pool}.ready"
        self.process = subprocess.Popen(
            [*HOLD, str(home), pool, str(ready), *flags],
            cwd=REPO,
            env={**os.environ, "DAGSTER_HOME": str(home)},
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert self.process.poll() is None, self.process.stderr.read().decode()[-3000:]
            assert time.monotonic() < deadline, "the holder never got its slot"
            time.sleep(0.05)

    def run_id(self, instance: dg.DagsterInstance) -> str:
        (claim,) = instance.event_log_storage.get_concurrency_info(self.pool).claimed_slots
        return claim.run_id

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()


def _queued(instance: dg.DagsterInstance, pool: str) -> list:
    return instance.event_log_storage.get_concurrency_info(pool).pending_steps


def _holds(instance: dg.DagsterInstance, pool: str) -> set[str]:
    return {c.run_id for c in instance.event_log_storage.get_concurrency_info(pool).claimed_slots}


def test_live_runs_are_left_alone_and_killed_cli_runs_recovered(home):
    holders = [
        Holder(home, "registered_cli", register=True, tagged=True),
        Holder(home, "unregistered_cli", register=False, tagged=True),
        Holder(home, "dagster_dev", register=False, tagged=False),
    ]
    said: list[str] = []
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            runs = {holder.pool: holder.run_id(instance) for holder in holders}
            assert headless.recover_killed_runs(instance, home, said.append) == []
            for holder in holders:
                assert instance.get_run_by_id(runs[holder.pool]).status == STARTED
                assert _holds(instance, holder.pool) == {runs[holder.pool]}
            assert not said

            for holder in holders:
                holder.kill()
            recovered = headless.recover_killed_runs(instance, home, said.append)
            assert sorted(recovered) == sorted([runs["registered_cli"], runs["unregistered_cli"]])
            for pool in ("registered_cli", "unregistered_cli"):
                assert instance.get_run_by_id(runs[pool]).status == dg.DagsterRunStatus.FAILURE
                assert not _holds(instance, pool)
                assert any(
                    f"run {runs[pool]} " in line and "was killed before it finished" in line
                    for line in said
                )
            # Not ours to judge: a dagster dev run is left as it is, slot included.
            assert instance.get_run_by_id(runs["dagster_dev"]).status == STARTED
            assert _holds(instance, "dagster_dev") == {runs["dagster_dev"]}
    finally:
        for holder in holders:
            holder.stop()


def test_a_waiting_run_is_told_who_holds_the_pool_and_a_dead_holder_recovered(home):
    holder = Holder(home, "shared_pool", register=True, tagged=True)
    said: list[str] = []
    outcome: dict = {}

    @dg.op(pool="shared_pool")
    def write() -> None:
        pass

    @dg.job
    def waiting() -> None:
        write()

    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            held_by = holder.run_id(instance)

            def run_in_this_process() -> None:
                outcome["result"] = waiting.execute_in_process(instance=instance)

            thread = threading.Thread(target=run_in_this_process, daemon=True)
            thread.start()
            deadline = time.monotonic() + 60
            while len(_queued(instance, "shared_pool")) < 2:  # the holder's step and ours
                assert time.monotonic() < deadline, "the waiting run never queued for the pool"
                time.sleep(0.05)

            watch = headless.PoolWatch(home, said.append)
            watch.check(instance)
            assert len(said) == 1
            assert f"for pool shared_pool: its slot is held by run {held_by}" in said[0]
            assert "launched by ticket-platform run" in said[0]

            holder.kill()
            watch.check(instance)
            assert f"run {held_by} " in said[1] and "was killed before it finished" in said[1]
            thread.join(timeout=60)
            assert not thread.is_alive(), "the waiting run did not get the freed slot"
            assert outcome["result"].success
    finally:
        holder.stop()
