"""Concurrent writers at SERIALIZABLE (Redshift's isolation) on PostgreSQL: a transaction the
engine aborts for a serialization failure is re-run whole, so every writer succeeds and nothing
is duplicated or lost.

The first tests force the conflict deterministically: writer A replaces some routes and stops
after its DELETE; writer B replaces the same keys and blocks on A's row locks; A commits; B's
DELETE then fails with 40001. Without the retry B fails; with it B re-runs and wins. The last
test runs a ticket load, a judge write and an alert write twice each, all at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import psycopg2
import pytest

from ticket_platform.alerts import audit
from ticket_platform.alerts.alert import Alert
from ticket_platform.evaluation import store as evaluation_store
from ticket_platform.evaluation.rubric import EvaluationItem
from ticket_platform.evaluation.rules import RulesJudge
from ticket_platform.evaluation.runner import evaluate
from ticket_platform.ingest.tickets import ensure_tables, load_partition
from ticket_platform.routing import sql as routing_sql
from ticket_platform.routing import store as routing_store
from ticket_platform.warehouse import session as session_module
from ticket_platform.warehouse.postgres_engine import PostgresSession
from ticket_platform.warehouse.session import is_serialization_failure

pytestmark = pytest.mark.postgres

DAY = date(2025, 8, 8)
KEYS = [f"TKT-{n}" for n in range(5)]


@pytest.fixture
def serializable_dsn(postgres_database: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A throwaway database whose sessions all run at SERIALIZABLE, as Redshift's do."""
    admin = psycopg2.connect(postgres_database)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("select current_database()")
        (name,) = cursor.fetchone()
        cursor.execute(f"alter database {name} set default_transaction_isolation = 'serializable'")
    admin.close()
    monkeypatch.setattr(session_module, "SERIALIZATION_WAIT", lambda state: 0.05)
    return postgres_database


def _session(dsn: str) -> PostgresSession:
    session = PostgresSession(psycopg2.connect(dsn))
    [(level,)] = session.query("show transaction_isolation")
    session.commit()
    assert level == "serializable"
    return session


def _routes(probability: float) -> list[dict]:
    at = datetime(2025, 8, 9, 1, 0)
    return [
        {"ticket_id": key, "partition_date": DAY, "model_version": "m1",
         "predicted_team": "storage", "probability": probability, "runner_up_team": None,
         "runner_up_probability": None, "predicted_at": at, "run_id": f"p{probability}"}
        for key in KEYS
    ]  # fmt: skip


class PausingSession(PostgresSession):
    """Stops once, right after its first statement starting with ``pause_after``, until
    ``resume()`` says so; counts its transactions (begin calls)."""

    def __init__(self, connection: Any, pause_after: str, resume: Callable[[], bool]):
        super().__init__(connection)
        self.pause_after, self.resume = pause_after, resume
        self.paused = threading.Event()
        self.transactions = 0

    def begin(self) -> None:
        self.transactions += 1
        super().begin()

    def execute(self, statement: str, params=()) -> int:
        count = super().execute(statement, params)
        if statement.startswith(self.pause_after) and not self.paused.is_set():
            self.paused.set()
            deadline = time.monotonic() + 20
            while not self.resume():
                assert time.monotonic() < deadline, "the other writer never arrived"
                time.sleep(0.02)
        return count


def _waiting_on_a_lock(dsn: str) -> Callable[[], bool]:
    monitor = psycopg2.connect(dsn)
    monitor.autocommit = True

    def check() -> bool:
        with monitor.cursor() as cursor:
            cursor.execute(
                "select count(*) from pg_stat_activity "
                "where datname = current_database() and wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0] > 0

    return check


def _race(dsn: str, b_attempts: int | None) -> tuple[PausingSession, BaseException | None]:
    """A replaces the routes (probability 0.5), pausing after its DELETE until B is blocked on
    it; B replaces the same keys (0.9). Returns B's session and B's error, if any."""
    setup = _session(dsn)
    routing_store.ensure_routing_tables(setup)
    routing_store.write_routes(setup, _routes(0.1))
    setup.conn.close()

    a = PausingSession(psycopg2.connect(dsn), "delete from", _waiting_on_a_lock(dsn))
    b = PausingSession(psycopg2.connect(dsn), "never", lambda: True)
    b_error: list[BaseException] = []

    def writer_b() -> None:
        a.paused.wait(20)
        try:
            if b_attempts is None:  # the production path: write_routes, retried
                routing_store.write_routes(b, _routes(0.9))
            else:
                work = partial(_replace_statements, b, _routes(0.9))
                session_module.in_transaction(b, work, attempts=b_attempts)
        except BaseException as error:
            b_error.append(error)

    thread = threading.Thread(target=writer_b)
    thread.start()
    routing_store.write_routes(a, _routes(0.5))
    thread.join(30)
    assert not thread.is_alive()
    assert a.transactions == 1, "A committed first, at once"
    return b, (b_error[0] if b_error else None)


def _replace_statements(session: PostgresSession, rows: list[dict]) -> None:
    """``replace_many``'s transaction body for the routes, without its own retry."""
    from ticket_platform.warehouse import sql

    table, batch = routing_sql.ROUTES_TABLE, routing_sql.ROUTING_BATCH
    for statement in sql.temporary_copy_sql(batch, table):
        session.execute(statement)
    session.fill_batch(batch, routing_sql.ROUTE_COLUMNS, rows)
    for statement in sql.replace_by_key_sql(
        table, batch, routing_sql.ROUTE_KEY, routing_sql.ROUTE_COLUMNS
    ):
        session.execute(statement)


def _stored_routes(dsn: str) -> list[tuple]:
    check = _session(dsn)
    rows = check.query(
        f"select ticket_id, probability from {routing_sql.ROUTES_TABLE} order by ticket_id"
    )
    check.conn.close()
    return rows


def test_without_the_retry_the_second_writer_fails_with_a_serialization_failure(
    serializable_dsn,
):
    b, error = _race(serializable_dsn, b_attempts=1)
    assert error is not None and getattr(error, "pgcode", None) == "40001", error
    assert is_serialization_failure(error)
    assert b.transactions == 1
    assert _stored_routes(serializable_dsn) == [(key, 0.5) for key in KEYS], "A's rows, once"


def test_with_the_retry_both_writers_succeed_and_the_last_one_wins_once(serializable_dsn):
    b, error = _race(serializable_dsn, b_attempts=None)
    assert error is None
    assert b.transactions == 2, "B's transaction was aborted once and re-run whole"
    assert _stored_routes(serializable_dsn) == [(key, 0.9) for key in KEYS], "B's rows, once"


def test_other_errors_are_not_retried(serializable_dsn):
    session = PausingSession(psycopg2.connect(serializable_dsn), "never", lambda: True)

    def broken() -> None:
        session.execute("select * from no_such_table")

    with pytest.raises(psycopg2.errors.UndefinedTable):
        session_module.in_transaction(session, broken)
    assert session.transactions == 1


def _alert(key: str) -> Alert:
    return Alert(
        kind="freshness", severity="warning", title="stale", reason="No load for 27 hours.",
        details={"hours": 27}, dedupe_key=key, occurred_at=datetime(2025, 8, 9, tzinfo=UTC),
        link=None,
    )  # fmt: skip


def test_loads_judge_runs_and_alert_writes_at_once_all_succeed_without_duplicates(
    serializable_dsn, seed_landing
):
    setup = _session(serializable_dsn)
    ensure_tables(setup)
    evaluation_store.ensure_evaluation_tables(setup)
    audit.ensure_alert_tables(setup)
    setup.conn.close()
    items = [
        EvaluationItem(ticket_id=key, product="AWS Lambda", response_text="Hi") for key in KEYS
    ]
    verdicts = evaluate(items, RulesJudge(), partition_date=DAY).rows
    deliveries = [audit.delivery_row(_alert(key), "slack", "#ops", "sent") for key in KEYS]

    jobs: dict[str, Callable[[PostgresSession], Any]] = {
        "load": lambda s: load_partition(seed_landing, s, DAY, run_id="concurrent"),
        "judge": lambda s: evaluation_store.write_evaluations(s, verdicts),
        "alert": lambda s: audit.record_deliveries(s, deliveries),
    }
    start = threading.Barrier(2 * len(jobs))
    results: dict[str, list] = {name: [] for name in jobs}
    errors: list[BaseException] = []

    def run(name: str) -> None:
        session = _session(serializable_dsn)
        try:
            start.wait(20)
            results[name].append(jobs[name](session))
        except BaseException as error:
            errors.append(error)
        finally:
            session.conn.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in jobs for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors

    check = _session(serializable_dsn)
    [(tickets, distinct)] = check.query(
        "select count(*), count(distinct ticket_id) from raw.tickets"
    )
    assert tickets == distinct == 100, "every seed ticket once"
    [(files, distinct_files)] = check.query(
        "select count(*), count(distinct file_key) from raw.ingest_ledger"
    )
    assert files == distinct_files == 100, "every file ledgered once"
    assert sorted(r.files_loaded for r in results["load"]) == [0, 100]
    [(evaluations,)] = check.query("select count(*) from evaluation.response_evaluations")
    assert evaluations == len(KEYS), "the judge's rows replaced by key, not duplicated"
    [(logged,)] = check.query("select count(*) from ops.alert_log")
    assert logged == 2 * len(KEYS), "both ticks' deliveries are recorded (an audit appends)"
