"""The alert audit table and the HIGH-priority query, on DuckDB and PostgreSQL."""

from datetime import UTC, date, datetime, timedelta

import orjson
import pytest

from ticket_platform.alerts import audit
from ticket_platform.alerts.alert import Alert
from ticket_platform.alerts.audit_sql import ALERT_LOG_TABLE
from ticket_platform.alerts.dispatch import notify
from ticket_platform.alerts.high_priority import high_priority_failures
from ticket_platform.contracts import ProcessedTicket
from ticket_platform.evaluation import store
from ticket_platform.evaluation.rules import RulesJudge
from ticket_platform.evaluation.runner import evaluate
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.ingest.tickets import ensure_tables, load_partition

DAY = date(2025, 8, 8)
NEXT_DAY = date(2025, 8, 9)
BAD_RESPONSE = "Hey! It's fine."


def _alert(key: str, **changes) -> Alert:
    fields = {
        "kind": "freshness",
        "severity": "warning",
        "title": "raw.tickets is stale — ünïcode",
        "reason": "No load for 27 hours.\tTabs\nand lines\\ survive.",
        "details": {"asset": "raw/tickets", "hours": 27.5, "nested": {"a": [1, None]}},
        "dedupe_key": key,
        "occurred_at": datetime(2025, 8, 9, 8, 0, tzinfo=UTC),
        "link": "http://127.0.0.1:3000/assets/raw/tickets",
    }
    return Alert(**(fields | changes))


class _Recording:
    name, recipient = "recording", "memory"

    def send(self, alert: Alert) -> None:
        pass


class _NoSql:
    param = "?"

    def query(self, *args):
        raise AssertionError("no SQL expected")


def test_delivery_rows_round_trip_and_sent_keys(session, monkeypatch):
    audit.ensure_alert_tables(session)
    audit.ensure_alert_tables(session)  # idempotent
    start = datetime(2025, 8, 9, 8, 5, tzinfo=UTC)
    sent, failed = _alert("freshness:a"), _alert("freshness:b")
    rows = [
        audit.delivery_row(
            sent, "sns", "arn:aws:sns:us-east-1:1:t", "sent", run_id="tick-1", sent_at=start
        ),
        audit.delivery_row(
            failed,
            "slack",
            "https://hooks.slack.com/services/T1/***",
            "failed",
            error="é" * 5000,
            sent_at=start + timedelta(seconds=1),
        ),
    ]
    assert audit.record_deliveries(session, rows) == 2
    assert audit.record_deliveries(session, []) == 0

    newest, oldest = audit.recent_alerts(session)
    assert newest["dedupe_key"] == "freshness:b" and newest["status"] == "failed"
    assert len(newest["error"].encode()) <= 4096 and newest["error"].endswith("…")
    assert oldest == {
        **rows[0],
        "details": {"asset": "raw/tickets", "hours": 27.5, "nested": {"a": [1, None]}},
    }
    assert oldest["occurred_at"] == datetime(2025, 8, 9, 8, 0)  # naive UTC
    assert oldest["reason"] == sent.reason and oldest["title"] == sent.title
    assert [row["dedupe_key"] for row in audit.recent_alerts(session, limit=1)] == ["freshness:b"]

    assert audit.sent_keys(session, ["freshness:a", "freshness:b", "other"]) == {"freshness:a"}
    assert audit.sent_keys(_NoSql(), []) == set()

    monkeypatch.setattr(audit, "KEYS_PER_QUERY", 2)
    many = [f"k{n}" for n in range(5)]
    audit.record_deliveries(
        session, [audit.delivery_row(_alert(key), "log", "x", "sent") for key in many[1::2]]
    )
    assert audit.sent_keys(session, [*many, "freshness:a"]) == {"k1", "k3", "freshness:a"}


# --- HIGH-priority failures ------------------------------------------------------------------
def _ticket(seed: dict, ticket_id: str, priority: str, response: str, day: date = DAY) -> bytes:
    submitted = seed["submitted_at"].replace(seed["submitted_at"][:10], day.isoformat())
    processed = seed["processed_at"].replace(seed["processed_at"][:10], day.isoformat())
    return orjson.dumps(
        seed
        | {
            "ticket_id": ticket_id,
            "priority": priority,
            "response_text": response,
            "submitted_at": submitted,
            "processed_at": processed,
        }
    )


@pytest.fixture
def judged(tmp_path, seed_lines, session):
    """Tickets on two days, staged by the real load and judged by the rules judge."""
    seed = orjson.loads(seed_lines[2])  # HIGH, and its response passes every rule
    good = seed["response_text"]
    landing = LocalLanding(tmp_path / "landing")
    for ticket_id, priority, response, day in [
        ("TKT-HIGH-FAIL", "HIGH", BAD_RESPONSE, DAY),
        ("TKT-HIGH-PASS", "HIGH", good, DAY),
        ("TKT-NORMAL-FAIL", "NORMAL", BAD_RESPONSE, DAY),
        ("TKT-HIGH-ERROR", "HIGH", BAD_RESPONSE, DAY),
        ("TKT-HIGH-DEFERRED", "HIGH", BAD_RESPONSE, DAY),
        ("TKT-HIGH-NEXT-DAY", "HIGH", BAD_RESPONSE, NEXT_DAY),
    ]:
        line = _ticket(seed, ticket_id, priority, response, day)
        landing.write(ProcessedTicket.model_validate_json(line).lake_key(), line)
    ensure_tables(session)
    store.ensure_evaluation_tables(session)
    rows = []
    for day in (DAY, NEXT_DAY):
        load_partition(landing, session, day)
        items = store.partition_items(session, day)
        rows += evaluate(items, RulesJudge(), partition_date=day).rows
    by_id = {row["ticket_id"]: row for row in rows}
    assert by_id["TKT-HIGH-PASS"]["all_passed"] is True
    assert by_id["TKT-HIGH-FAIL"]["all_passed"] is False
    # Only the status keeps these out: their stale booleans still say "failed".
    by_id["TKT-HIGH-ERROR"] |= {"status": "failed", "error": "JudgeReplyError: bad"}
    by_id["TKT-HIGH-DEFERRED"]["status"] = "deferred"
    evaluated_at = by_id["TKT-HIGH-FAIL"]["evaluated_at"]
    extra = [
        # A second judge failing the same ticket: its own alert.
        by_id["TKT-HIGH-FAIL"] | {"judge": "bedrock:nova-pro", "judge_kind": "bedrock"},
        # An older rubric's failed verdict on the passing ticket: not its latest verdict.
        {
            **by_id["TKT-HIGH-FAIL"],
            "ticket_id": "TKT-HIGH-PASS",
            "rubric_version": "support-rubric-v0",
            "evaluated_at": evaluated_at - timedelta(days=1),
        },
    ]
    store.write_evaluations(session, rows + extra)
    return by_id


def test_failed_verdicts_on_high_priority_tickets_alert(judged, session):
    alerts = high_priority_failures(session, [DAY], link="http://ui/runs")
    assert [(a.details["ticket_id"], a.details["judge"]) for a in alerts] == [
        ("TKT-HIGH-FAIL", "bedrock:nova-pro"),
        ("TKT-HIGH-FAIL", "rules:rules-v4"),
    ]
    rules = alerts[1]
    verdict = judged["TKT-HIGH-FAIL"]
    failed = ["contextual_relevance", "professional_tone", "actionable_guidance"]
    assert rules.kind == "high_priority_response" and rules.severity == "error"
    assert rules.dedupe_key == (
        f"high_priority_response:TKT-HIGH-FAIL:rules:rules-v4:support-rubric-v1:"
        f"{verdict['cache_key']}"
    )
    assert rules.reason == (
        "HIGH-priority ticket TKT-HIGH-FAIL got a response that failed "
        "contextual_relevance, professional_tone, actionable_guidance (judge rules:rules-v4)."
    )
    assert rules.details["failed_criteria"] == failed
    [(product,)] = session.query(
        "select product from raw.tickets where ticket_id = 'TKT-HIGH-FAIL'"
    )
    assert rules.details["product"] == product and product
    assert rules.details["partition_date"] == "2025-08-08"
    assert rules.details["professional_tone_reasoning"].startswith("Contractions found")
    assert "technical_accuracy_reasoning" not in rules.details
    assert rules.occurred_at == verdict["evaluated_at"].replace(tzinfo=UTC)
    assert rules.link == "http://ui/runs"

    both_days = high_priority_failures(session, [NEXT_DAY, DAY])
    assert {a.details["ticket_id"] for a in both_days} == {"TKT-HIGH-FAIL", "TKT-HIGH-NEXT-DAY"}
    assert high_priority_failures(session, []) == []


def test_a_verdict_alerts_once_through_notify(judged, session):
    audit.ensure_alert_tables(session)
    first = notify(session, high_priority_failures(session, [DAY]), [_Recording()], "tick-1")
    second = notify(session, high_priority_failures(session, [DAY]), [_Recording()], "tick-2")
    assert (first.sent, second.sent, second.skipped_duplicates) == (2, 0, 2)
    assert session.query(f"select count(*), count(distinct dedupe_key) from {ALERT_LOG_TABLE}") == [
        (2, 2)
    ]
