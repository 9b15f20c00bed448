"""The production write paths' Redshift SQL, executed through the Redshift harness.

``RedshiftSession`` (psycopg2, as ``RedshiftWarehouse.session()`` opens it) talks to the harness
proxy, which refuses what Redshift refuses, in front of PostgreSQL. Two substitutions, both
because PostgreSQL cannot run the Redshift text: the tables are created with the PostgreSQL DDL
(``diststyle``/``sortkey`` are Redshift-only), and every batch is filled by the session's
multi-row INSERT, never by COPY from S3 (PostgreSQL's COPY is another command; the COPY text is
asserted in ``test_redshift_write_paths.py``). Everything else (temporary batch tables, the
ledger lock, the merges, DELETE ... USING, UPDATE ... FROM, the replace by key, the counts) is
the statement the cluster would receive.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import UTC, date, datetime

import boto3
import orjson
import psycopg2
import pytest
from moto import mock_aws
from redshift_harness import Harness, reachable_admin_dsn, redshift_harness

from ticket_platform.alerts import audit, audit_sql
from ticket_platform.alerts.alert import Alert
from ticket_platform.evaluation import store as evaluation_store
from ticket_platform.evaluation import store_sql
from ticket_platform.evaluation.rubric import EvaluationItem
from ticket_platform.evaluation.rules import RulesJudge
from ticket_platform.evaluation.runner import evaluate
from ticket_platform.ingest import events_sql, tickets_sql
from ticket_platform.ingest.events import EVENTS_PREFIX, load_event_partition
from ticket_platform.ingest.feed import Feed
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.ingest.tickets import load_partition
from ticket_platform.routing import sql as routing_sql
from ticket_platform.routing import store as routing_store
from ticket_platform.warehouse import postgres_engine
from ticket_platform.warehouse.postgres_engine import RedshiftSession

pytestmark = pytest.mark.postgres

DAY = date(2025, 8, 8)


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    with redshift_harness(reachable_admin_dsn()) as running:
        conn = psycopg2.connect(running.direct_dsn)
        with conn, conn.cursor() as cursor:
            for statement in (
                *tickets_sql.create_tables_sql("postgres"),
                *events_sql.create_event_tables_sql("postgres"),
                *store_sql.create_evaluation_tables_sql("postgres"),
                *routing_sql.create_routing_tables_sql("postgres"),
                *audit_sql.create_alert_tables_sql("postgres"),
            ):
                cursor.execute(statement)
        conn.close()
        yield running


@pytest.fixture
def session(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> Iterator[RedshiftSession]:
    monkeypatch.setattr(postgres_engine, "redshift_fill_method", lambda rows, bulk=False: "insert")
    monkeypatch.setattr(Feed, "ensure_tables", lambda self, session: None)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="lake")
        connection = psycopg2.connect(
            host=harness.proxy.host,
            port=harness.port,
            dbname=harness.database,
            user=harness.user,
            sslmode="disable",
        )
        try:
            yield RedshiftSession(
                connection,
                s3_client=s3,
                staging_bucket="lake",
                staging_prefix="_staging",
                iam_role_arn="arn:aws:iam::123456789012:role/copy",
            )
        finally:
            connection.close()


def _event_landing(tmp_path) -> LocalLanding:
    landing = LocalLanding(tmp_path / "events")
    for hour in range(3):
        lines = [
            orjson.dumps(
                {
                    "eventName": "TicketAssigned",
                    "eventId": f"TKT-{n}:TicketAssigned:1",
                    "ticketId": f"TKT-{n}",
                    "occurredAt": f"2025-08-08T{10 + hour}:00:00Z",
                    "source": "helpdesk",
                    "data": {"agent": "Ada", "team": "networking"},
                }
            )
            for n in range(hour * 10, hour * 10 + 10)
        ]
        lines.append(b'{"eventName": "Nope"}')
        key = f"{EVENTS_PREFIX}/{DAY:%Y/%m/%d}/ticket-events-{hour:02}.jsonl.gz"
        landing.write(key, gzip.compress(b"\n".join(lines) + b"\n", mtime=0))
    return landing


def test_the_loaders_merge_sql_runs_through_the_harness(session, harness, seed_landing, tmp_path):
    seen = len(harness.proxy.log.statements)
    report = load_partition(seed_landing, session, DAY, run_id="h")
    assert (report.files_loaded, report.rows_inserted) == (100, 100)
    again = load_partition(seed_landing, session, DAY, run_id="h2")
    assert again.files_already_loaded == 100 and again.rows_inserted == 0

    events = load_event_partition(_event_landing(tmp_path), session, DAY, run_id="h")
    assert (events.events_inserted, events.events_quarantined) == (30, 3)
    assert harness.proxy.log.refusals == []
    sent = harness.proxy.log.statements[seen:]
    assert any(s.startswith("lock table raw.event_ledger") for s in sent)
    assert any(s.startswith("insert into events_batch (event_id,") for s in sent)
    [(stored,)] = session.query(f"select count(distinct event_id) from {events_sql.EVENTS_TABLE}")
    assert stored == 30


def test_judge_routing_and_alert_writes_run_through_the_harness(session, harness):
    seen = len(harness.proxy.log.statements)
    items = [
        EvaluationItem(ticket_id=f"T-{n}", product="Lambda", response_text="Hi") for n in range(4)
    ]
    rows = evaluate(items, RulesJudge(), partition_date=DAY).rows
    evaluation_store.write_evaluations(session, rows)
    evaluation_store.write_evaluations(session, rows)  # replaced by key, not added
    assert evaluation_store.partition_status_counts(session, [DAY]) == {"evaluated": 4}

    at = datetime(2025, 8, 9)
    routes = [
        {"ticket_id": f"T-{n}", "partition_date": DAY, "model_version": "m1",
         "predicted_team": "storage", "probability": 0.7, "runner_up_team": None,
         "runner_up_probability": None, "predicted_at": at, "run_id": "h"}
        for n in range(4)
    ]  # fmt: skip
    routing_store.write_routes(session, routes)
    routing_store.write_routes(session, [r | {"probability": 0.9} for r in routes])
    stored = session.query(f"select ticket_id, probability from {routing_sql.ROUTES_TABLE}")
    assert sorted(stored) == [(f"T-{n}", 0.9) for n in range(4)]

    alert = Alert(
        kind="freshness", severity="warning", title="stale", reason="late", details={"h": 1},
        dedupe_key="k1", occurred_at=datetime(2025, 8, 9, tzinfo=UTC), link=None,
    )  # fmt: skip
    deliveries = [audit.delivery_row(alert, c, "ops", "sent") for c in ("slack", "sns")]
    assert audit.record_deliveries(session, deliveries) == 2
    assert audit.sent_keys(session, {"k1", "k2"}) == {"k1"}
    assert harness.proxy.log.refusals == []
    assert len(harness.proxy.log.statements) > seen
