"""Offline stand-ins for the AWS services around the real-time handlers, each saying what it is.

* ``SimulatedClock`` — simulated time: the workflow runs at the moment its ticket arrives.
* ``LocalStepFunctions`` — ``start_execution`` like boto3's, running the workflow's own ASL
  definition in ``asl.LocalStateMachine``; a second start of a name raises the same
  ``ExecutionAlreadyExists`` ``ClientError`` AWS raises for a closed execution.
* ``LandingTicketStore`` — the s3_writer's ``TicketStore`` on a landing zone (folder or S3).
* ``SqliteTicketTable`` — the ticket table in SQLite, keyed like DynamoDB (``ticket_id``, ``sk``):
  lifecycle history and state through the status_recorder's own rules, the workflow's ``META``
  item, plus the SNS alerts and dead letters a local run produces.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from botocore.exceptions import ClientError

from lambdas.status_recorder.state import STATE_SK, history_item, iso_utc, next_state
from lambdas.status_recorder.store import RecordOutcome
from ticket_platform.contracts import StreamEvent
from ticket_platform.ingest.landing import Landing


class SimulatedClock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class LocalStepFunctions:
    """The part of the Step Functions client ``trigger_sfn`` uses, executing synchronously."""

    def __init__(self, run: Callable[[str, dict[str, Any]], Any]):
        self._run = run
        self.started: set[str] = set()
        self.results: list[Any] = []

    def start_execution(self, *, stateMachineArn: str, name: str, input: str) -> dict[str, Any]:
        if name in self.started:
            raise ClientError(
                {"Error": {"Code": "ExecutionAlreadyExists", "Message": f"{name} exists"}},
                "StartExecution",
            )
        self.started.add(name)
        self.results.append(self._run(name, orjson.loads(input)))
        return {"executionArn": f"{stateMachineArn}:{name}", "startDate": None}


class LandingTicketStore:
    """``TicketStore`` on a landing zone: write only when the bytes differ from what is stored."""

    def __init__(self, landing: Landing):
        self.landing = landing

    def put_if_changed(self, key: str, body: bytes) -> bool:
        try:
            if self.landing.read(key) == body:
                return False
        except Exception:  # not there yet (FileNotFoundError locally, NoSuchKey on S3)
            pass
        self.landing.write(key, body)
        return True


_SCHEMA = """
create table if not exists ticket_table (
    ticket_id text not null,
    sk text not null,
    item text not null,
    primary key (ticket_id, sk)
);
create table if not exists alerts (
    alert_id text primary key, ticket_id text, channel text, subject text, message text,
    sent_at text
);
create table if not exists dead_letters (
    message_id text primary key, ticket_id text, body text, sent_at text
);
"""


class SqliteTicketTable:
    """The ticket table and its neighbours in one SQLite file (a ``LifecycleStore``)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.executescript(_SCHEMA)

    def record(self, event: StreamEvent, recorded_at: datetime) -> RecordOutcome:
        item = history_item(event, recorded_at)
        new_event = (
            self.db.execute(
                "insert or ignore into ticket_table values (?, ?, ?)",
                (item["ticket_id"], item["sk"], orjson.dumps(item).decode()),
            ).rowcount
            == 1
        )
        current = self.get(event.ticketId, STATE_SK)
        state = next_state(current, event, recorded_at)
        if state is not None:
            self.put({**state, "ticket_id": event.ticketId, "sk": STATE_SK})
        return RecordOutcome(new_event, state is not None)

    def put(self, item: Mapping[str, Any]) -> None:
        self.db.execute(
            "insert or replace into ticket_table values (?, ?, ?)",
            (item["ticket_id"], item["sk"], orjson.dumps(dict(item)).decode()),
        )

    def get(self, ticket_id: str, sk: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "select item from ticket_table where ticket_id = ? and sk = ?", (ticket_id, sk)
        ).fetchone()
        return orjson.loads(row[0]) if row else None

    def history(self, ticket_id: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "select item from ticket_table where ticket_id = ? and sk like 'EVENT#%' order by sk",
            (ticket_id,),
        )
        return [orjson.loads(item) for (item,) in rows]

    def put_dynamodb_item(self, item: Mapping[str, Mapping[str, Any]]) -> None:
        """A ``dynamodb:putItem`` of the workflow (attribute values in DynamoDB's typed form)."""
        self.put({name: _plain(value) for name, value in item.items()})

    def add_alert(self, alert_id: str, ticket_id: str, subject: str, message: str, at: datetime):
        self.db.execute(
            "insert or replace into alerts values (?, ?, 'sns', ?, ?, ?)",
            (alert_id, ticket_id, subject, message, iso_utc(at)),
        )

    def add_dead_letter(self, message_id: str, ticket_id: str, body: str, at: datetime) -> None:
        self.db.execute(
            "insert or replace into dead_letters values (?, ?, ?, ?)",
            (message_id, ticket_id, body, iso_utc(at)),
        )

    def count(self, table: str, where: str = "1 = 1") -> int:
        return self.db.execute(f"select count(*) from {table} where {where}").fetchone()[0]

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()


def _plain(value: Mapping[str, Any]) -> Any:
    (kind, inner), *_ = value.items()
    return float(inner) if kind == "N" else inner
