"""The Alert model: SNS subject rules, plain text, Slack blocks, JSON-safe details."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from ticket_platform.alerts.alert import SLACK_FIELD_LIMIT, SUBJECT_LIMIT, Alert


def _alert(**changes) -> Alert:
    fields = {
        "kind": "run_failure",
        "severity": "error",
        "title": "Run of ingest_job failed",
        "reason": "Step load_partition raised ConnectionError after 3 retries.",
        "details": {"run_id": "abc123", "job": "ingest_job", "partition": "2025-08-08"},
        "dedupe_key": "run_failure:abc123",
        "occurred_at": datetime(2025, 8, 8, 12, 30, tzinfo=UTC),
        "link": "http://127.0.0.1:3000/runs/abc123",
    }
    return Alert(**(fields | changes))


def test_subject_is_one_ascii_line_with_severity_and_source():
    assert _alert().subject() == "[ERROR] ticket-platform: Run of ingest_job failed"
    subject = _alert(title="Café réponse — ticket ✓\nsecond line\tand tab").subject()
    assert subject.isascii() and "\n" not in subject and "\t" not in subject
    assert subject == "[ERROR] ticket-platform: Cafe reponse ticket second line and tab"


def test_long_subject_is_cut_to_100_characters_with_an_ellipsis():
    subject = _alert(severity="critical", title="x" * 300).subject()
    assert len(subject) == SUBJECT_LIMIT
    assert subject.startswith("[CRITICAL] ticket-platform: xxx") and subject.endswith("...")


def test_text_holds_title_reason_details_and_link():
    text = _alert(details={"job": "ingest_job", "failed": ["a", "b"], "count": 3}).text()
    lines = text.splitlines()
    assert lines[0] == "[ERROR] Run of ingest_job failed"
    assert "Step load_partition raised ConnectionError after 3 retries." in lines
    assert {"job: ingest_job", "failed: a, b", "count: 3"} <= set(lines)
    assert "link: http://127.0.0.1:3000/runs/abc123" in lines
    assert "link:" not in _alert(link=None).text()


def test_slack_blocks_carry_reason_fields_and_link():
    header, reason, fields, context = _alert(reason="a < b & c").slack_blocks()
    assert header["type"] == "header" and "Run of ingest_job failed" in header["text"]["text"]
    assert reason["text"]["text"] == "a &lt; b &amp; c"
    assert [f["text"] for f in fields["fields"]] == [
        "*run_id*\nabc123",
        "*job*\ningest_job",
        "*partition*\n2025-08-08",
    ]
    texts = [element["text"] for element in context["elements"]]
    assert "<http://127.0.0.1:3000/runs/abc123|Open in Dagster>" in texts


def test_slack_fields_are_capped_at_ten_and_the_rest_is_announced():
    details = {f"key_{n:02d}": n for n in range(13)}
    blocks = _alert(details=details).slack_blocks()
    [fields] = [block for block in blocks if "fields" in block]
    assert len(fields["fields"]) == SLACK_FIELD_LIMIT == 10
    assert fields["fields"][-1]["text"] == "*key_09*\n9"
    assert any("3 more details" in e["text"] for e in blocks[-1]["elements"])
    assert len(_alert(details={}).slack_blocks()) == 3  # no empty fields section


def test_details_become_json_values_and_times_become_utc():
    alert = _alert(
        details={"day": date(2025, 8, 8), "ids": ("a", "b")},
        occurred_at=datetime(2025, 8, 8, 14, 30, tzinfo=timezone(timedelta(hours=2))),
    )
    assert alert.details == {"day": "2025-08-08", "ids": ["a", "b"]}
    assert alert.occurred_at == datetime(2025, 8, 8, 12, 30, tzinfo=UTC)
    assert alert.occurred_at.utcoffset() == timedelta(0)
    naive = _alert(occurred_at=datetime(2025, 8, 8, 12, 30))
    assert naive.occurred_at.tzinfo is UTC


def test_alerts_are_frozen_validated_and_each_has_its_own_id():
    first, second = _alert(), _alert()
    assert first.alert_id != second.alert_id
    assert first.dedupe_key == second.dedupe_key
    with pytest.raises(ValidationError):
        first.title = "changed"
    with pytest.raises(ValidationError):
        _alert(kind="unknown")
    with pytest.raises(ValidationError):
        _alert(severity="info")
