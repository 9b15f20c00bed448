"""Parse landed files in worker processes while the loading process writes to the warehouse.

Reading a small file, validating it against the contract and building its Arrow row is pure
Python, bound by one core; the load transaction is the warehouse's work. With ``processes`` > 1
the batches are parsed by a pool of that many worker processes and come back in order. The
caller bounds the batches in flight (``ahead``): enough for the workers to parse a whole
transaction's chunk while the loading process writes the last one, and no more, so memory stays
bounded.

Workers are forked from a server process started for the purpose (``forkserver``), never from
the loading process, which holds database connections and their threads. The server imports the
parsers and the program's main module once, so a worker starts in milliseconds; the server's
own start costs about half a second, so a load uses workers only from
``MIN_FILES_FOR_PROCESSES`` pending files on. If the pool cannot work (a main module that
starts work on import, a worker killed), the batches it had not returned are parsed in the
loading process: the load is slower, never lost.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# Below this the workers' start (the server process importing the parsers, ~0.5 s) costs more
# than they save: 10,000 files over 30 days load in 1.05-1.08 s in process and 1.16-1.18 s with
# 2 workers; 20,000 in 2.05-2.26 s and 1.79-1.92 s (2 cores, 2026-12-06).
MIN_FILES_FOR_PROCESSES = 15_000
# Imported once by the server process, so each worker starts with the parsers loaded.
_PRELOAD = ["__main__", "ticket_platform.ingest.batch", "ticket_platform.ingest.parsing"]

Task = tuple[Callable[..., T], tuple[Any, ...], dict[str, Any]]


def processes_for(expected_files: int, processes: int) -> int:
    """How many worker processes a load of about ``expected_files`` new files uses: none
    (``1``, parse in this process) below ``MIN_FILES_FOR_PROCESSES``, where starting them costs
    more than they save."""
    return processes if expected_files >= MIN_FILES_FOR_PROCESSES else 1


def ordered_results(
    tasks: Iterable[Task[T]],
    processes: int,
    warn: Callable[[str], None] | None = None,
    ahead: int = 0,
) -> Iterator[T]:
    """Each task's ``fn(*args, **kwargs)``, in the order of ``tasks``: in this process when
    ``processes`` <= 1, else in a pool of that many processes, with at most ``ahead`` tasks
    submitted and not yet taken (at least ``2 * processes``). An error a task raises (a bug:
    the parsers turn bad input into quarantine rows) is raised here; a pool that breaks hands
    its unfinished tasks back to this process, and says so through ``warn`` (and the log)."""
    tasks = iter(tasks)
    if processes <= 1:
        yield from _here(tasks)
        return
    in_flight_limit = max(ahead, 2 * processes)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    in_flight: deque[tuple[Task[T], Future[T]]] = deque()
    try:
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            for task in tasks:
                fn, args, kwargs = task
                in_flight.append((task, pool.submit(fn, *args, **kwargs)))
                if len(in_flight) >= in_flight_limit:
                    yield in_flight[0][1].result()
                    in_flight.popleft()
            while in_flight:
                yield in_flight[0][1].result()
                in_flight.popleft()
    except BrokenProcessPool as error:
        message = f"parse workers stopped ({error}); parsing the rest in this process"
        log.warning(message)
        if warn:
            warn(message)
        yield from _here(task for task, _ in in_flight)
        yield from _here(tasks)
    finally:
        for _, future in in_flight:  # the load failed or stopped: parse nothing more
            future.cancel()


def _here(tasks: Iterable[Task[T]]) -> Iterator[T]:
    for fn, args, kwargs in tasks:
        yield fn(*args, **kwargs)
