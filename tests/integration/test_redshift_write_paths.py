"""Every production write path on Redshift sends one statement per table and batch: a COPY from
the staging prefix (moto S3) for a large batch, one multi-row INSERT for a small one, never
paged INSERTs; and a serializable isolation violation (error 1023) re-runs the transaction."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime

import boto3
import duckdb
import orjson
import pytest
from helpers.recording_connection import RecordingConnection
from moto import mock_aws

from ticket_platform.alerts import audit
from ticket_platform.alerts.alert import Alert
from ticket_platform.evaluation import store as evaluation_store
from ticket_platform.evaluation import store_sql
from ticket_platform.evaluation.rubric import EvaluationItem
from ticket_platform.evaluation.rules import RulesJudge
from ticket_platform.evaluation.runner import evaluate
from ticket_platform.ingest import events_sql
from ticket_platform.ingest.events import EVENTS_PREFIX, load_event_partition
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.routing import sql as routing_sql
from ticket_platform.routing import store as routing_store
from ticket_platform.warehouse import session as session_module
from ticket_platform.warehouse.postgres_engine import (
    INSERT_MAX_ROWS,
    RedshiftSession,
    redshift_fill_method,
)
from ticket_platform.warehouse.session import is_serialization_failure

DAY = date(2025, 8, 8)
BUCKET = "lake"


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def _redshift(s3, connection: RecordingConnection) -> RedshiftSession:
    return RedshiftSession(
        connection,
        s3_client=s3,
        staging_bucket=BUCKET,
        staging_prefix="_staging",
        iam_role_arn="arn:aws:iam::123456789012:role/copy",
        region="us-east-1",
    )


def _writes(statements: list[str], table: str) -> list[str]:
    """The statements that send rows into ``table``: COPYs and INSERT ... VALUES (not the
    merge's INSERT ... SELECT between tables)."""
    return [
        s
        for s in statements
        if s.startswith(f"copy {table} ")
        or (s.startswith(f"insert into {table} (") and ") values (" in s)
    ]


def test_the_fill_method_is_insert_only_for_few_small_rows():
    assert redshift_fill_method([{"a": "x"}] * INSERT_MAX_ROWS) == "insert"
    assert redshift_fill_method([{"a": "x"}] * (INSERT_MAX_ROWS + 1)) == "copy"
    assert redshift_fill_method([{"a": "x" * 600_000}] * 2) == "copy", "too many bytes"
    assert redshift_fill_method([{"a": "x"}], bulk=True) == "copy"


def test_a_small_batch_is_one_multi_row_insert_inside_the_transaction(s3):
    connection = RecordingConnection()
    session = _redshift(s3, connection)
    rows = [{"k": f"k{n}", "v": "nul\x00gone"} for n in range(3)]
    session.fill_batch("some_batch", ("k", "v"), rows)
    [statement] = connection.statements
    assert statement == "insert into some_batch (k, v) values (%s, %s), (%s, %s), (%s, %s)"
    assert connection.params[0] == ("k0", "nulgone", "k1", "nulgone", "k2", "nulgone")
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0


def _event(n: int) -> bytes:
    return orjson.dumps(
        {
            "eventName": "TicketAssigned",
            "eventId": f"TKT-{n % 50}:TicketAssigned:{n}",
            "ticketId": f"TKT-{n % 50}",
            "occurredAt": "2025-08-08T10:00:00Z",
            "source": "helpdesk",
            "data": {"agent": "Ada", "team": "networking"},
        }
    )


def test_an_event_partition_is_one_copy_and_one_insert_per_small_batch(s3, tmp_path):
    landing = LocalLanding(tmp_path / "landing")
    for hour in range(24):  # a day of one stream: an object per hour, 1,200 events in all
        lines = [_event(hour * 50 + n) for n in range(50)] + [b"not json"] * (hour == 3)
        name = f"{EVENTS_PREFIX}/{DAY:%Y/%m/%d}/ticket-events-{hour:02}.jsonl.gz"
        landing.write(name, gzip.compress(b"\n".join(lines) + b"\n", mtime=0))
    connection = RecordingConnection()
    report = load_event_partition(landing, _redshift(s3, connection), DAY, run_id="r")
    assert report.files_seen == 24 and not report.errors

    statements = connection.statements
    [copy] = _writes(statements, events_sql.EVENTS_BATCH)
    assert copy.startswith("copy events_batch (event_id,") and "manifest" in copy
    [quarantine] = _writes(statements, events_sql.EVENT_QUARANTINE_BATCH)
    assert quarantine.startswith("insert into event_quarantine_batch (") and "values" in quarantine
    [ledger] = _writes(statements, events_sql.EVENT_LEDGER_BATCH)
    assert ledger.count("), (") == 23, "24 ledger rows in one statement"
    assert not [s for s in statements if s.startswith("insert into events_batch")]
    assert connection.commits >= 2 and connection.rollbacks == 0  # tables, then the load
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0, "staged batch removed"


def test_judge_routes_and_alert_writes_are_one_statement_per_table(s3):
    connection = RecordingConnection()
    session = _redshift(s3, connection)
    items = [
        EvaluationItem(ticket_id=f"T-{n}", product="AWS Lambda", response_text="Hi")
        for n in range(1500)
    ]
    verdicts = evaluate(items, RulesJudge(), partition_date=DAY).rows
    assert evaluation_store.write_evaluations(session, verdicts) == 1500
    [copy] = _writes(connection.statements, store_sql.EVALUATIONS_BATCH)
    assert copy.startswith(f"copy {store_sql.EVALUATIONS_BATCH} (") and "manifest" in copy
    assert connection.statements[-3].startswith(f"delete from {store_sql.EVALUATIONS_TABLE}")
    assert connection.statements[-2].startswith(f"insert into {store_sql.EVALUATIONS_TABLE} (")

    connection.statements.clear()
    at = datetime(2025, 8, 9)
    routes = [
        {"ticket_id": f"T-{n}", "partition_date": DAY, "model_version": "m1",
         "predicted_team": "storage", "probability": 0.8, "runner_up_team": "databases",
         "runner_up_probability": 0.1, "predicted_at": at, "run_id": "r"}
        for n in range(1500)
    ]  # fmt: skip
    routing_store.write_routes(session, routes)
    assert len(connection.statements) == 6, connection.statements
    [copy] = _writes(connection.statements, routing_sql.ROUTING_BATCH)
    assert copy.startswith(f"copy {routing_sql.ROUTING_BATCH} (")

    connection.statements.clear()
    alert = Alert(
        kind="freshness", severity="warning", title="stale", reason="late", details={},
        dedupe_key="k", occurred_at=datetime(2025, 8, 9, tzinfo=UTC), link=None,
    )  # fmt: skip
    rows = [audit.delivery_row(alert, channel, "x", "sent") for channel in ("slack", "sns")]
    audit.record_deliveries(session, rows)
    [insert] = connection.statements
    assert insert.startswith("insert into ops.alert_log (") and insert.count("), (") == 1


class Redshift1023(Exception):
    """What psycopg2 raises for Redshift's serializable isolation violation."""

    pgcode = "XX000"

    def __init__(self) -> None:
        super().__init__(
            "1023\nDETAIL:  Serializable isolation violation on table - 100167, transactions "
            "forming the cycle are: 55705701, 55705754 (pid:16606)"
        )


def test_redshift_error_1023_is_a_serialization_failure_and_others_are_not():
    assert is_serialization_failure(Redshift1023())
    other = Redshift1023()
    other.args = ("1216\nDETAIL: Missing data for not-null field",)
    assert not is_serialization_failure(other)
    assert not is_serialization_failure(ValueError("Serializable isolation violation"))
    # DuckDB keeps its behaviour: a write-write conflict there is not retried by the session.
    assert not is_serialization_failure(duckdb.TransactionException("Conflict on update"))


def test_a_transaction_aborted_by_error_1023_at_commit_is_re_run_and_restaged(s3, monkeypatch):
    monkeypatch.setattr(session_module, "SERIALIZATION_WAIT", lambda state: 0)

    class FailsFirstCommit(RecordingConnection):
        def commit(self) -> None:
            super().commit()
            if self.commits == 1:
                raise Redshift1023()

    connection = FailsFirstCommit()
    session = _redshift(s3, connection)
    items = [EvaluationItem(ticket_id=f"T-{n}", product="Lambda") for n in range(1200)]
    evaluation_store.write_evaluations(
        session, evaluate(items, RulesJudge(), partition_date=DAY).rows
    )
    copies = _writes(connection.statements, store_sql.EVALUATIONS_BATCH)
    assert len(copies) == 2 and copies[0] != copies[1], "staged again under a new manifest"
    assert (connection.commits, connection.rollbacks) == (2, 1)
    assert len(connection.statements) == 12, "the whole transaction, twice"
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0
