"""notify(): dedupe, one failing channel never blocks the others, undelivered alerts retry."""

from datetime import UTC, datetime

import pytest

from ticket_platform.alerts.alert import Alert
from ticket_platform.alerts.audit import ensure_alert_tables, recent_alerts, sent_keys
from ticket_platform.alerts.channels import DeliveryError
from ticket_platform.alerts.dispatch import notify
from ticket_platform.warehouse.duckdb_engine import duckdb_session


class Recording:
    name, recipient = "recording", "memory"

    def __init__(self):
        self.sent: list[Alert] = []

    def send(self, alert: Alert) -> None:
        self.sent.append(alert)


class Failing:
    name, recipient = "failing", "nowhere"

    def __init__(self, error: Exception | None = None):
        self.error = error or DeliveryError("endpoint said no")
        self.calls = 0

    def send(self, alert: Alert) -> None:
        self.calls += 1
        raise self.error


def _alert(key: str = "run_failure:r1", **changes) -> Alert:
    fields = {
        "kind": "run_failure",
        "severity": "error",
        "title": "Run failed",
        "reason": "A step raised.",
        "dedupe_key": key,
        "occurred_at": datetime(2025, 8, 8, 12, 0, tzinfo=UTC),
    }
    return Alert(**(fields | changes))


@pytest.fixture
def session(tmp_path):
    with duckdb_session(tmp_path / "alerts.duckdb") as session:
        ensure_alert_tables(session)
        yield session


def test_a_problem_is_delivered_once(session):
    channel = Recording()
    first = notify(session, [_alert(), _alert(), _alert("run_failure:r2")], [channel], "tick-1")
    assert (first.sent, first.failed, first.skipped_duplicates) == (2, 0, 1)
    assert [a.dedupe_key for a in channel.sent] == ["run_failure:r1", "run_failure:r2"]
    assert {row["run_id"] for row in first.deliveries} == {"tick-1"}

    again = notify(session, [_alert(), _alert("run_failure:r3")], [channel], "tick-2")
    assert (again.sent, again.skipped_duplicates) == (1, 1)
    assert [a.dedupe_key for a in channel.sent][-1] == "run_failure:r3"
    assert len(recent_alerts(session)) == 3


def test_a_failing_channel_does_not_block_the_others(session):
    failing, broken, working = Failing(), Failing(RuntimeError("bug")), Recording()
    broken.name = "broken"
    report = notify(session, [_alert(), _alert("k2")], [failing, broken, working])
    assert (report.sent, report.failed) == (2, 0)
    assert failing.calls == broken.calls == 2 and len(working.sent) == 2
    outcome = {
        (row["dedupe_key"], row["channel"]): (row["status"], row["error"])
        for row in report.deliveries
    }
    assert outcome == {
        **{(key, "failing"): ("failed", "endpoint said no") for key in ("run_failure:r1", "k2")},
        **{(key, "broken"): ("failed", "RuntimeError: bug") for key in ("run_failure:r1", "k2")},
        **{(key, "recording"): ("sent", None) for key in ("run_failure:r1", "k2")},
    }
    assert sent_keys(session, ["run_failure:r1", "k2"]) == {"run_failure:r1", "k2"}


def test_an_alert_no_channel_delivered_is_retried_next_time(session):
    failing = Failing()
    report = notify(session, [_alert()], [failing])
    assert (report.sent, report.failed, report.skipped_duplicates) == (0, 1, 0)
    assert sent_keys(session, ["run_failure:r1"]) == set()

    working = Recording()
    retry = notify(session, [_alert()], [working, failing])  # the last channel fails again
    assert (retry.sent, retry.failed) == (1, 0) and len(working.sent) == 1
    rows = recent_alerts(session)
    assert sorted((row["channel"], row["status"]) for row in rows) == [
        ("failing", "failed"),
        ("failing", "failed"),
        ("recording", "sent"),
    ]


def test_nothing_to_send_touches_nothing_and_no_channel_is_an_error(session):
    report = notify(session, [], [Recording()])
    assert (report.sent, report.failed, report.skipped_duplicates, report.deliveries) == (
        0,
        0,
        0,
        [],
    )
    with pytest.raises(ValueError, match="at least one channel"):
        notify(session, [_alert()], [])
