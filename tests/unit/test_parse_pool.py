"""Parsing in worker processes: results in order, errors raised, a broken pool never loses work."""

import multiprocessing
import os

import pytest

from ticket_platform.ingest import parse_pool
from ticket_platform.ingest.parse_pool import ordered_results, processes_for


def _square(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def _fail_on(n: int, bad: int) -> int:
    if n == bad:
        raise ValueError(f"task {n} failed")
    return n


def _die_in_a_worker(n: int) -> tuple[int, bool]:
    """A worker that dies (killed, out of memory) on task 3; in the loading process it works."""
    in_worker = multiprocessing.parent_process() is not None
    if in_worker and n == 3:
        os._exit(1)
    return n, in_worker


def _tasks(fn, count, *extra):
    return [(fn, (n, *extra), {}) for n in range(count)]


def test_in_process_when_one_process_is_asked():
    results = list(ordered_results(_tasks(_square, 5), processes=1))
    assert [value for value, _ in results] == [0, 1, 4, 9, 16]
    assert {pid for _, pid in results} == {os.getpid()}


def test_worker_processes_return_results_in_task_order():
    results = list(ordered_results(_tasks(_square, 40), processes=2))
    assert [value for value, _ in results] == [n * n for n in range(40)]
    assert os.getpid() not in {pid for _, pid in results}


@pytest.mark.parametrize(("ahead", "submitted"), [(0, 4), (3, 4), (10, 10)])
def test_workers_run_ahead_of_the_reader_by_at_most_ahead_tasks(ahead, submitted):
    pulled = []

    def tasks():
        for n in range(40):
            pulled.append(n)
            yield (_square, (n,), {})

    results = ordered_results(tasks(), processes=2, ahead=ahead)
    assert next(results)[0] == 0
    assert len(pulled) == submitted  # never fewer than 2 per worker
    assert [value for value, _ in results] == [n * n for n in range(1, 40)]


def test_an_error_in_a_task_is_raised_in_the_loading_process():
    with pytest.raises(ValueError, match="task 5 failed"):
        list(ordered_results(_tasks(_fail_on, 10, 5), processes=2))


def test_a_broken_pool_hands_its_unfinished_tasks_back(caplog):
    warnings: list[str] = []
    results = list(ordered_results(_tasks(_die_in_a_worker, 12), 2, warnings.append))
    assert [n for n, _ in results] == list(range(12))
    assert not results[3][1]  # task 3 could only finish in the loading process
    assert "parsing the rest in this process" in caplog.text
    assert len(warnings) == 1 and "parse workers stopped" in warnings[0]


def test_workers_only_pay_off_for_large_loads(monkeypatch):
    monkeypatch.setattr(parse_pool, "MIN_FILES_FOR_PROCESSES", 100)
    assert processes_for(99, 4) == 1
    assert processes_for(100, 4) == 4
    assert processes_for(10_000, 1) == 1
