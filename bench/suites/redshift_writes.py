"""The Redshift write path: statements, COPYs and S3 requests per partition run.

Redshift is not reachable here, so each production write runs on the real ``RedshiftSession``
over a recording DB-API connection (it keeps every statement, answers a ``count(*)`` with 0 and
other reads with no rows, as an empty warehouse would) and a moto S3 staging bucket. What is
measured is what the session *sends*: statements, COPYs, multi-row INSERTs, transactions and
S3 requests per partition run, for partitions of several sizes. Times are not measured: without
the cluster they would mean nothing.

``before`` is the statement count of the same run under the previous rule, computed from the
batches it filled: only the ticket batch was COPYed, every other batch was sent as paged INSERTs
of 500 rows (psycopg2 ``execute_values``), and the evaluation asset wrote each judge's rows in
a transaction of their own. The counts include the run's reads and its idempotent DDL (the
loaders' ``create ... if not exists``), so they are every statement the run sends.
"""

from __future__ import annotations

import gzip
import math
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.profiles import Profile

DAY = date(2025, 8, 8)
BUCKET = "bench-staging"
OLD_PAGE_ROWS = 500
OLD_BULK_BATCHES = {"tickets_batch"}


class RecordingConnection:
    """Every statement kept; reads answered as an empty warehouse answers them."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.commits = self.rollbacks = 0
        self.autocommit = None

    def cursor(self) -> Any:
        connection = self

        class Cursor:
            rowcount = 0
            last = ""

            def __enter__(self) -> Any:
                return self

            def __exit__(self, *exc: object) -> bool:
                return False

            def execute(self, statement: str, params: Any = None) -> None:
                connection.statements.append(statement)
                self.last = statement

            def fetchall(self) -> list[tuple]:
                return [(0,)] if self.last.lower().startswith("select count(") else []

        return Cursor()

    def commit(self) -> None:
        self.commits += 1

    def rollback(self) -> None:
        self.rollbacks += 1

    def close(self) -> None:
        pass


class CountingS3:
    """The boto3 client, counting the requests the session makes."""

    def __init__(self, client: Any) -> None:
        self.client, self.requests, self.bytes_put = client, 0, 0

    def put_object(self, **kwargs: Any) -> Any:
        self.requests += 1
        self.bytes_put += len(kwargs["Body"])
        return self.client.put_object(**kwargs)

    def delete_objects(self, **kwargs: Any) -> Any:
        self.requests += 1
        return self.client.delete_objects(**kwargs)


def tally(statements: list[str], fills: list[tuple[str, int]]) -> dict[str, int]:
    """What a run sent, and what the old paging rule would have sent for the same batches."""
    copies = sum(s.startswith("copy ") for s in statements)
    value_inserts = sum(s.startswith("insert into ") and ") values (" in s for s in statements)
    old_fills = sum(
        1 if table in OLD_BULK_BATCHES else math.ceil(rows / OLD_PAGE_ROWS)
        for table, rows in fills
        if rows
    )
    new_fills = sum(1 for _, rows in fills if rows)
    return {
        "statements": len(statements),
        "copies": copies,
        "multi_row_inserts": value_inserts,
        "batches": new_fills,
        "before": len(statements) - new_fills + old_fills,
        "before_fill_statements": old_fills,
    }


def measure(write: Callable[[Any], object]) -> dict[str, int]:
    """Run ``write(session)`` on a RedshiftSession over the recorder and a moto bucket."""
    import boto3
    from moto import mock_aws

    from ticket_platform.warehouse.postgres_engine import RedshiftSession

    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        s3 = CountingS3(client)
        connection = RecordingConnection()
        fills: list[tuple[str, int]] = []

        class Session(RedshiftSession):
            def fill_batch(self, table, columns, rows, bulk=False):  # type: ignore[override]
                fills.append((table, len(rows)))
                super().fill_batch(table, columns, rows, bulk)

        session = Session(
            connection,
            s3_client=s3,
            staging_bucket=BUCKET,
            staging_prefix="_staging",
            iam_role_arn="arn:aws:iam::123456789012:role/copy",
            region="us-east-1",
        )
        write(session)
        left = client.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0)
    return tally(connection.statements, fills) | {
        "transactions": connection.commits,
        "s3_requests": s3.requests,
        "staged_kb": round(s3.bytes_put / 1024),
        "staged_objects_left": left,
    }


def _tickets_landing(root: Path, count: int, seed: int) -> Any:
    import orjson

    from ticket_platform.contracts.tickets import lake_key
    from ticket_platform.ingest.landing import LocalLanding
    from ticket_platform_demo.synthetic import generate_tickets

    landing = LocalLanding(root / "tickets")
    for ticket in generate_tickets(count, seed, DAY, DAY):
        submitted = datetime.fromisoformat(ticket["submitted_at"])
        landing.write(lake_key(ticket["ticket_id"], submitted), orjson.dumps(ticket))
    return landing


def _events_landing(root: Path, count: int) -> Any:
    """A day of one stream: 24 hourly objects of TicketAssigned events."""
    import orjson

    from ticket_platform.ingest.events import EVENTS_PREFIX
    from ticket_platform.ingest.landing import LocalLanding

    landing = LocalLanding(root / "events")
    start = datetime(2025, 8, 8, tzinfo=UTC)
    for hour in range(24):
        lines = [
            orjson.dumps(
                {
                    "eventName": "TicketAssigned",
                    "eventId": f"TKT-{n}:TicketAssigned:1",
                    "ticketId": f"TKT-{n}",
                    "source": "helpdesk",
                    "occurredAt": (start + timedelta(hours=hour)).isoformat(),
                    "data": {"agent": "Ada", "team": "networking"},
                }
            )
            for n in range(hour, count, 24)
        ]
        key = f"{EVENTS_PREFIX}/{DAY:%Y/%m/%d}/ticket-events-{hour:02}.jsonl.gz"
        landing.write(key, gzip.compress(b"\n".join(lines) + b"\n", mtime=0))
    return landing


def _verdicts(count: int) -> list[dict]:
    from ticket_platform.evaluation.rubric import EvaluationItem
    from ticket_platform.evaluation.rules import RulesJudge
    from ticket_platform.evaluation.runner import evaluate

    items = [
        EvaluationItem(ticket_id=f"TKT-{n}", product="AWS Lambda", response_text="Hello, see docs.")
        for n in range(count)
    ]
    return evaluate(items, RulesJudge(), partition_date=DAY).rows


def _routes(count: int) -> list[dict]:
    at = datetime(2025, 8, 9)
    return [
        {"ticket_id": f"TKT-{n}", "partition_date": DAY, "model_version": "m1",
         "predicted_team": "storage", "probability": 0.8, "runner_up_team": "databases",
         "runner_up_probability": 0.1, "predicted_at": at, "run_id": "bench"}
        for n in range(count)
    ]  # fmt: skip


def _deliveries(alerts: int) -> list[dict]:
    from ticket_platform.alerts.alert import Alert
    from ticket_platform.alerts.audit import delivery_row

    rows = []
    for n in range(alerts):
        alert = Alert(
            kind="freshness", severity="warning", title=f"stale {n}", reason="late",
            details={"n": n}, dedupe_key=f"k{n}", occurred_at=datetime(2025, 8, 9, tzinfo=UTC),
            link=None,
        )  # fmt: skip
        rows += [delivery_row(alert, channel, "ops", "sent") for channel in ("slack", "sns")]
    return rows


def run_size(rows: int, seed: int) -> dict[str, dict[str, int]]:
    """Every write path at one partition size: ``rows`` tickets, events and routes, a verdict
    per ticket and judge, and a tick's alert deliveries (one alert per 100 tickets, 2 channels).
    """
    from ticket_platform.alerts.audit import record_deliveries
    from ticket_platform.evaluation.store import write_evaluations
    from ticket_platform.ingest.events import load_event_partition
    from ticket_platform.ingest.tickets import load_partition
    from ticket_platform.routing.store import write_routes

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        tickets, events = _tickets_landing(root, rows, seed), _events_landing(root, rows)
        # The evaluation asset writes every judge's rows of a partition at once: in production
        # the Bedrock judge and the rules judge beside it.
        verdicts = _verdicts(rows)
        verdicts += [row | {"judge": "bedrock:judge"} for row in verdicts]
        routes, alerts = _routes(rows), _deliveries(max(1, rows // 100))
        paths = {
            "tickets load": (rows, lambda s: load_partition(tickets, s, DAY, run_id="bench")),
            "events load": (rows, lambda s: load_event_partition(events, s, DAY, run_id="b")),
            "evaluation store, 2 judges": (
                len(verdicts),
                lambda s: write_evaluations(s, verdicts),
            ),
            "routing writes": (rows, lambda s: write_routes(s, routes)),
            "alert audit, 1 tick": (len(alerts), lambda s: record_deliveries(s, alerts)),
        }
        result = {name: {"rows": n} | measure(write) for name, (n, write) in paths.items()}
        # Before, the asset wrote each judge's rows on their own: two transactions.
        one_judge = measure(lambda s: write_evaluations(s, verdicts[:rows]))
        result["evaluation store, 2 judges"]["before"] = 2 * one_judge["before"]
        return result


def run(profile: Profile) -> dict:
    sizes = []
    for rows in profile.redshift_write_rows:
        sizes.append({"rows": rows, "paths": run_size(rows, profile.seed)})
    return {"sizes": sizes, "old_page_rows": OLD_PAGE_ROWS}
