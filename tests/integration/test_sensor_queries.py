"""What a sensor tick costs the warehouse: every statement the sensors send is counted through a
wrapped session, on DuckDB and on PostgreSQL (Redshift's stand-in).

A tick must never create, alter or drop anything (on Redshift Serverless every statement keeps
the workgroup billing, and the sensors tick every 15 s) and issues at most one read per feed.
Tables are created by the loads and by ``ticket-platform init``; a tick on a warehouse where
neither has run yet reads "relation does not exist" as "nothing loaded" and requests the first
load.
"""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from typer.testing import CliRunner

from ticket_platform.alerts.audit_sql import ALERT_LOG_TABLE
from ticket_platform.alerts.resource import AlertResource
from ticket_platform.alerts.sensors import (
    check_and_freshness_alerts,
    high_priority_response_alerts,
    run_failure_alerts,
)
from ticket_platform.cli.main import app, init_tables
from ticket_platform.ingest.events_sensor import EVENTS_FEED
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.ingest.sensor import build_landing_sensor
from ticket_platform.ingest.tickets import load_partition
from ticket_platform.routing.feedback_assets import (
    FEEDBACK_JOB,
    build_feedback_sensor,
    feedback_state,
)
from ticket_platform.settings import get_settings
from ticket_platform.transform.dbt_sources import ensure_dbt_sources
from ticket_platform.warehouse.duckdb_engine import duckdb_session
from ticket_platform.warehouse.postgres_engine import postgres_session
from ticket_platform.warehouse.resource import WarehouseResource

DAY = date(2025, 8, 8)  # the seed tickets' day
TODAY = date(2025, 8, 9)
DDL = ("create", "alter", "drop", "truncate", "comment", "grant")


# --- a warehouse that counts what it is sent ------------------------------------------------
@dataclass
class StatementLog:
    statements: list[tuple[str, str]] = field(default_factory=list)  # (kind, sql)

    def clear(self) -> None:
        self.statements.clear()

    @property
    def sent(self) -> list[str]:
        """Every statement that reached the warehouse (transaction control aside)."""
        return [sql for kind, sql in self.statements if kind != "control"]

    @property
    def ddl(self) -> list[str]:
        return [sql for sql in self.sent if sql.lstrip().lower().startswith(DDL)]

    @property
    def reads(self) -> list[str]:
        return [sql for kind, sql in self.statements if kind == "query"]


_LOGS: dict[str, StatementLog] = {}


class CountingSession:
    """A WarehouseSession that records each statement before passing it on."""

    def __init__(self, inner: Any, log: StatementLog):
        self.inner, self.log = inner, log
        self.dialect, self.param = inner.dialect, inner.param

    def execute(self, statement: str, params: Sequence[Any] = ()) -> int:
        self.log.statements.append(("execute", statement))
        return self.inner.execute(statement, params)

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple]:
        self.log.statements.append(("query", statement))
        return self.inner.query(statement, params)

    def fill_batch(self, table, columns, rows, bulk: bool = False) -> None:
        self.log.statements.append(("fill", f"insert into {table}"))
        self.inner.fill_batch(table, columns, rows, bulk)

    def begin(self) -> None:
        self.log.statements.append(("control", "begin"))
        self.inner.begin()

    def commit(self) -> None:
        self.log.statements.append(("control", "commit"))
        self.inner.commit()

    def rollback(self) -> None:
        self.log.statements.append(("control", "rollback"))
        self.inner.rollback()


class CountingWarehouse(WarehouseResource):
    """DuckDB (``target`` a file) or PostgreSQL (``target`` a DSN), every session counted."""

    engine_name: str
    target: str
    log_id: str

    @property
    def engine(self) -> str:
        return self.engine_name

    @property
    def log(self) -> StatementLog:
        return _LOGS.setdefault(self.log_id, StatementLog())

    @contextmanager
    def plain_session(self, lock_wait_seconds: float = 120) -> Iterator[Any]:
        if self.engine_name == "duckdb":
            with duckdb_session(self.target, lock_wait_seconds=lock_wait_seconds) as session:
                yield session
            return
        import psycopg2

        with postgres_session(lambda: psycopg2.connect(self.target)) as session:
            yield session

    @contextmanager
    def session(self, lock_wait_seconds: float = 120) -> Iterator[Any]:
        with self.plain_session(lock_wait_seconds) as session:
            yield CountingSession(session, self.log)

    def tables(self) -> set[str]:
        with self.plain_session() as session:
            rows = session.query(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema in ('raw', 'evaluation', 'routing', 'ops')"
            )
            if session.dialect != "duckdb":
                session.rollback()
        return {f"{schema}.{name}" for schema, name in rows}


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request, tmp_path: Path) -> CountingWarehouse:
    """A fresh, empty warehouse per engine: no table exists yet."""
    if request.param == "duckdb":
        target = str(tmp_path / "warehouse.duckdb")
    else:
        target = request.getfixturevalue("postgres_database")
    log_id = uuid.uuid4().hex
    _LOGS[log_id] = StatementLog()
    return CountingWarehouse(engine_name=request.param, target=target, log_id=log_id)


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path / "data"))
    return get_settings()


def _tick(sensor, warehouse: CountingWarehouse, instance=None, **resources):
    """One tick; returns its result and the statements it sent."""
    warehouse.log.clear()
    instance = instance or dg.DagsterInstance.ephemeral()
    context = dg.build_sensor_context(
        instance=instance, resources={"warehouse": warehouse, **resources}
    )
    result = sensor(context)
    return result, list(warehouse.log.statements)


def _requests(result) -> list[dg.RunRequest]:
    return list(result.run_requests) if isinstance(result, dg.SensorResult) else []


def _assert_cheap(warehouse: CountingWarehouse, feeds: int = 1) -> None:
    log = warehouse.log
    assert log.ddl == [], f"a tick sent DDL: {log.ddl}"
    assert len(log.sent) <= feeds, f"{len(log.sent)} statements for {feeds} feed(s): {log.sent}"


# --- the landing sensors --------------------------------------------------------------------
def test_the_ticket_sensor_reads_the_ledger_once_and_creates_nothing(
    settings, warehouse, seed_landing
):
    sensor = build_landing_sensor(settings, today=lambda: TODAY)
    landing = LandingResource(uri=seed_landing.uri)

    # Cold: a fresh warehouse, init never run. The first load is requested all the same.
    result, _ = _tick(sensor, warehouse, landing=landing)
    _assert_cheap(warehouse)
    [request] = _requests(result)
    assert request.partition_key == DAY.isoformat()
    assert request.tags["ticket/pending_files"] == "100"
    assert warehouse.tables() == set(), "the tick created no table"

    # Warm: the day is loaded (the load creates its tables); one read says so.
    with warehouse.plain_session() as session:
        load_partition(seed_landing, session, DAY, run_id="load")
    result, _ = _tick(sensor, warehouse, landing=landing)
    _assert_cheap(warehouse)
    assert isinstance(result, dg.SkipReason) and "already loaded" in result.skip_message


def test_the_ticket_sensor_reads_once_for_every_listed_day(
    settings, warehouse, seed_lines, tmp_path
):
    landing = LocalLanding(tmp_path / "landing")
    for day in ("2025-08-07", "2025-08-08", "2025-08-09"):
        landing.write(f"tickets/{day.replace('-', '/')}/ticket_{day}.json", seed_lines[0])
    sensor = build_landing_sensor(settings, today=lambda: TODAY)
    with warehouse.plain_session() as session:
        ensure_dbt_sources(session)
    result, _ = _tick(sensor, warehouse, landing=LandingResource(uri=landing.uri))
    _assert_cheap(warehouse)
    assert sorted(r.partition_key for r in _requests(result)) == [
        "2025-08-07",
        "2025-08-08",
        "2025-08-09",
    ]


def test_the_events_sensor_reads_once_and_creates_nothing(settings, warehouse, tmp_path):
    landing = LocalLanding(tmp_path / "landing")
    landing.write("events/2025/08/09/ticket-events-1.jsonl.gz", gzip.compress(b"{}\n"))
    sensor = build_landing_sensor(settings, today=lambda: TODAY, feed=EVENTS_FEED)
    resources = {"landing": LandingResource(uri=landing.uri)}

    result, _ = _tick(sensor, warehouse, **resources)  # cold
    _assert_cheap(warehouse)
    [request] = _requests(result)
    assert request.partition_key == "2025-08-09"
    assert warehouse.tables() == set()

    with warehouse.plain_session() as session:
        ensure_dbt_sources(session)  # what `ticket-platform init` does
    result, _ = _tick(sensor, warehouse, **resources)  # warm
    _assert_cheap(warehouse)
    assert [r.partition_key for r in _requests(result)] == ["2025-08-09"]


def test_an_empty_landing_zone_costs_the_warehouse_nothing(settings, warehouse, tmp_path):
    for feed in (None, EVENTS_FEED):
        sensor = build_landing_sensor(
            settings, today=lambda: TODAY, **({"feed": feed} if feed else {})
        )
        result, statements = _tick(
            sensor, warehouse, landing=LandingResource(uri=str(tmp_path / "empty"))
        )
        assert isinstance(result, dg.SkipReason)
        assert statements == []


# --- the routing feedback sensor ------------------------------------------------------------
def test_the_feedback_sensor_reads_once_and_creates_nothing(settings, warehouse, tmp_path):
    landing = LocalLanding(tmp_path / "landing")
    correction = {
        "ticket_id": "TKT-1",
        "correct_team": "networking",
        "corrected_by": "ana",
        "corrected_at": "2025-03-05T09:00:00Z",
    }
    landing.write("feedback/2025-03-05.json", json.dumps([correction]).encode())
    sensor = build_feedback_sensor(settings, jobs=[])
    resources = {"landing": LandingResource(uri=landing.uri)}

    result, _ = _tick(sensor, warehouse, **resources)  # cold
    _assert_cheap(warehouse)
    [request] = _requests(result)
    assert request.job_name == FEEDBACK_JOB
    assert warehouse.tables() == set()

    with warehouse.plain_session() as session:
        ensure_dbt_sources(session)
    result, _ = _tick(sensor, warehouse, **resources)  # warm
    _assert_cheap(warehouse)
    assert [r.job_name for r in _requests(result)] == [FEEDBACK_JOB]


def test_the_feedback_read_counts_corrections_since_the_model_learned(warehouse):
    with warehouse.plain_session() as session:
        assert feedback_state(session, None) == (set(), 0, None)  # no tables yet
        ensure_dbt_sources(session)
        assert feedback_state(session, None) == (set(), 0, None)
        for n, loaded_at in enumerate(("2025-03-05 09:00:00", "2025-03-06 09:00:00")):
            session.execute(
                "insert into routing.feedback_ledger (file_key, etag, partition_date, status, "
                "records_total, rows_accepted, rows_quarantined, loaded_at) values "
                f"('feedback/{n}.json', 'e{n}', '2025-03-05', 'loaded', 1, 1, 0, '{loaded_at}')"
            )
            session.execute(
                "insert into routing.feedback (ticket_id, correct_team, corrected_by, "
                "corrected_at, _source_key, _source_etag, _line_number, _loaded_at) values "
                f"('TKT-{n}', 'networking', 'ana', '{loaded_at}', 'feedback/{n}.json', 'e{n}', 1, "
                f"'{loaded_at}')"
            )
        if session.dialect != "duckdb":
            session.commit()
        loaded, everything, newest = feedback_state(session, None)
        assert loaded == {("feedback/0.json", "e0"), ("feedback/1.json", "e1")}
        assert everything == 2 and newest == datetime(2025, 3, 6, 9)
        assert feedback_state(session, datetime(2025, 3, 5, 12))[1:] == (1, newest)
        assert feedback_state(session, datetime(2025, 3, 7))[1] == 0


# --- the alert sensors ----------------------------------------------------------------------
@dg.asset(check_specs=[dg.AssetCheckSpec("rows_present", asset="orders")])
def orders() -> dg.MaterializeResult:
    return dg.MaterializeResult(
        check_results=[
            dg.AssetCheckResult(
                check_name="rows_present", passed=False, severity=dg.AssetCheckSeverity.ERROR
            )
        ]
    )


@pytest.fixture
def alerts(tmp_path) -> AlertResource:
    """Alerts audited in the warehouse (as in prod: no separate audit database)."""
    return AlertResource(log_path=str(tmp_path / "alerts.jsonl"))


def test_idle_alert_sensors_send_nothing_to_the_warehouse(warehouse, alerts):
    with dg.DagsterInstance.ephemeral() as instance:
        for sensor in (check_and_freshness_alerts, high_priority_response_alerts):
            result, statements = _tick(sensor, warehouse, instance, alerts=alerts)
            assert isinstance(result, dg.SkipReason)
            assert statements == [], f"{sensor.name}: {statements}"


def test_the_audit_table_is_read_once_per_tick_and_created_only_by_a_first_write(warehouse, alerts):
    with dg.DagsterInstance.ephemeral() as instance:
        dg.materialize([orders], instance=instance)
        # Cold, init never run: the read finds no table (nothing sent yet); the first write
        # creates it, once.
        _tick(check_and_freshness_alerts, warehouse, instance, alerts=alerts)
        log = warehouse.log
        assert len(log.reads) == 1
        assert ALERT_LOG_TABLE in warehouse.tables()
        # A lost cursor (new sensor state) reads the event again: one read, nothing created.
        _tick(check_and_freshness_alerts, warehouse, instance, alerts=alerts)
        assert log.ddl == [] and len(log.sent) == 1, log.sent
    assert len(Path(alerts.log_path).read_text().splitlines()) == 1, "alerted once"


def test_after_init_an_alert_tick_sends_no_ddl(warehouse, alerts):
    init_tables(warehouse, alerts)
    with dg.DagsterInstance.ephemeral() as instance:
        dg.materialize([orders], instance=instance)
        _tick(check_and_freshness_alerts, warehouse, instance, alerts=alerts)
        log = warehouse.log
        assert log.ddl == [], log.ddl
        assert len(log.reads) == 1 and len(log.sent) == 2, log.sent  # the read, the audit row


@dg.op
def explode() -> None:
    raise RuntimeError("the warehouse is on fire")


@dg.job
def doomed() -> None:
    explode()


def test_a_run_failure_alert_reads_the_audit_once_and_creates_nothing_after_init(warehouse, alerts):
    init_tables(warehouse, alerts)
    with dg.DagsterInstance.ephemeral() as instance:
        result = doomed.execute_in_process(instance=instance, raise_on_error=False)
        [failure] = [
            e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE
        ]
        warehouse.log.clear()
        run_failure_alerts(
            dg.build_run_status_sensor_context(
                sensor_name="run_failure_alerts",
                dagster_instance=instance,
                dagster_run=result.dagster_run,
                dagster_event=failure,
                resources={"alerts": alerts, "warehouse": warehouse},
            ).for_run_failure()
        )
    assert warehouse.log.ddl == []
    assert len(warehouse.log.reads) == 1


def test_high_priority_alerts_read_the_evaluations_and_the_audit_once_each(
    settings, warehouse, alerts, seed_landing
):
    from ticket_platform.evaluation.assets import build_response_evaluations_asset
    from ticket_platform.evaluation.resource import JudgeResource

    init_tables(warehouse, alerts)
    with warehouse.plain_session() as session:
        load_partition(seed_landing, session, DAY, run_id="load")
    with dg.DagsterInstance.ephemeral() as instance:
        assert dg.materialize(
            [build_response_evaluations_asset(settings)],
            partition_key=DAY.isoformat(),
            instance=instance,
            resources={"warehouse": warehouse, "judge": JudgeResource(kind="rules")},
        ).success
        for tick in ("first", "restarted"):  # a new sensor state reads the evaluation again
            _tick(high_priority_response_alerts, warehouse, instance, alerts=alerts)
            log = warehouse.log
            assert log.ddl == [], log.ddl
            # the day's failing HIGH-priority responses, then the audit's sent keys
            assert len(log.reads) == 2, log.reads
            writes = [sql for sql in log.sent if sql not in log.reads]
            assert len(writes) == (1 if tick == "first" else 0), writes
    assert Path(alerts.log_path).read_text(), "the first tick alerted"


# --- ticket-platform init ------------------------------------------------------------------
SOURCE_TABLES = {
    "raw.tickets",
    "raw.ingest_ledger",
    "raw.ticket_quarantine",
    "raw.ticket_events",
    "raw.event_ledger",
    "raw.event_quarantine",
    "evaluation.response_evaluations",
    "routing.feedback",
    "routing.feedback_ledger",
    "routing.ticket_routes",
}


def test_init_tables_creates_every_source_and_the_audit_table_idempotently(warehouse, alerts):
    first = init_tables(warehouse, alerts)
    assert SOURCE_TABLES | {ALERT_LOG_TABLE} <= warehouse.tables()
    assert set(first.created) >= SOURCE_TABLES | {ALERT_LOG_TABLE}
    assert first.existing == []
    again = init_tables(warehouse, alerts)
    assert again.created == []
    assert sorted(again.existing) == sorted(first.created)


def test_the_init_command_creates_the_tables_once(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("TICKET_DATA_DIR", str(data))
    monkeypatch.delenv("TICKET_PLATFORM_ENV", raising=False)
    monkeypatch.delenv("TICKET_ALERT_AUDIT_DATABASE", raising=False)
    runner = CliRunner()
    first = runner.invoke(app, ["init"])
    assert first.exit_code == 0, first.output
    assert "raw.tickets" in first.output and "created" in first.output
    again = runner.invoke(app, ["init"])
    assert again.exit_code == 0, again.output
    assert "0 created" in again.output

    import duckdb

    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        tables = {
            f"{s}.{t}"
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
    assert tables >= SOURCE_TABLES
    with duckdb.connect(str(data / "alerts" / "alerts.duckdb"), read_only=True) as con:
        assert con.execute(f"select count(*) from {ALERT_LOG_TABLE}").fetchone() == (0,)
