"""Correction files: CSV, JSON and JSON lines; every bad row rejected with a readable reason."""

from __future__ import annotations

from datetime import UTC, datetime

from ticket_platform.routing.feedback import parse_feedback_file

TEAMS = {"storage", "databases", "security & identity"}
NOW = datetime(2025, 3, 20, 12, tzinfo=UTC)


def _parse(key: str, text: str):
    return parse_feedback_file(key, text.encode(), TEAMS, now=NOW)


def test_a_csv_with_good_and_bad_rows_keeps_both_apart():
    parsed = _parse(
        "feedback/2025-03-20.csv",
        "\ufeffticket_id,correct_team,corrected_by,corrected_at,note\n"
        "TKT-1,Storage,ana,2025-03-19T10:00:00Z,typo in case\n"
        "TKT-2,security & identity,ben,2025-03-19 11:00:00,\n"
        "TKT-3,billing,ana,2025-03-19T10:00:00Z,\n"
        ",storage,ana,2025-03-19T10:00:00Z,\n"
        "TKT-5,storage,ana,yesterday,\n"
        "TKT-6,storage,ana,2025-04-30T00:00:00Z,\n",
    )
    assert [(r["ticket_id"], r["correct_team"], r["_line_number"]) for r in parsed.rows] == [
        ("TKT-1", "storage", 1),  # the configured spelling of the team is kept
        ("TKT-2", "security & identity", 2),
    ]
    assert parsed.rows[0]["corrected_at"] == datetime(2025, 3, 19, 10)  # naive UTC
    reasons = {r.line_number: (r.ticket_id, r.reason) for r in parsed.rejected}
    assert reasons[3][0] == "TKT-3" and "unknown team 'billing'" in reasons[3][1]
    assert "storage" in reasons[3][1]  # the message lists the known teams
    assert reasons[4][0] is None and "ticket_id" in reasons[4][1]
    assert "corrected_at" in reasons[5][1]
    assert "in the future" in reasons[6][1]


def test_json_lines_reject_broken_lines_and_non_objects():
    parsed = _parse(
        "feedback/x.jsonl",
        '{"ticket_id": "TKT-1", "correct_team": "databases", "corrected_by": "ana", '
        '"corrected_at": "2025-03-19T10:00:00+02:00"}\n'
        "{not json\n"
        "\n"
        '["TKT-2"]\n'
        '{"ticket_id": "TKT-3", "correct_team": "databases"}\n',
    )
    assert [r["ticket_id"] for r in parsed.rows] == ["TKT-1"]
    assert parsed.rows[0]["corrected_at"] == datetime(2025, 3, 19, 8)
    reasons = {r.line_number: r.reason for r in parsed.rejected}
    assert set(reasons) == {2, 4, 5}
    assert reasons[2].startswith("invalid JSON")
    assert "must be an object" in reasons[4]
    assert "corrected_by" in reasons[5] and "corrected_at" in reasons[5]


def test_a_json_array_or_a_single_object():
    row = (
        '{"ticket_id": "TKT-1", "correct_team": "storage", "corrected_by": "ana", '
        '"corrected_at": "2025-03-19T10:00:00Z"}'
    )
    assert len(_parse("feedback/a.json", f"[{row}, {row}]").rows) == 2
    assert len(_parse("feedback/b.json", row).rows) == 1


def test_whole_file_problems_quarantine_the_file_once():
    for key, text, reason in [
        ("feedback/a.csv", "ticket,team\nTKT-1,storage\n", "CSV header lacks"),
        ("feedback/b.json", "{oops", "unreadable file"),
        ("feedback/c.xlsx", "PK\x03\x04", "unsupported file type"),
    ]:
        parsed = _parse(key, text)
        assert not parsed.rows
        [rejected] = parsed.rejected
        assert rejected.line_number is None and reason in rejected.reason, key


def test_undecodable_bytes_are_a_readable_reason_not_a_crash():
    parsed = parse_feedback_file("feedback/a.csv", b"\xff\xfe\x00bad", TEAMS, now=NOW)
    assert not parsed.rows and "unreadable file" in parsed.rejected[0].reason
