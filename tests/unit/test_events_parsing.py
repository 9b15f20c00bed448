"""Lifecycle event files → event rows and quarantine reasons (no database)."""

import gzip
from datetime import datetime

import orjson
import pytest

from ticket_platform.contracts import LifecycleEvent
from ticket_platform.ingest import events_sql
from ticket_platform.ingest.events import RejectedEvent, parse_event_file, parse_event_line
from ticket_platform.ingest.parsing import gunzip_members

KEY = "events/2025/08/08/ticket-events-s1-c00000-2025-08-08-10.jsonl.gz"


def event(name="TicketAssigned", n=1, ticket="TKT-1", **changes) -> dict:
    data = {
        "TicketAssigned": {"agent": "Ada Lovelace", "team": "networking"},
        "SatisfactionRated": {"rating": 4, "comment": "Thanks"},
        "SentimentScored": {
            "sentiment": "NEGATIVE",
            "score_positive": 0.1,
            "score_negative": 0.8,
            "score_neutral": 0.05,
            "score_mixed": 0.05,
        },
        "TicketEscalated": {"priority": "HIGH", "channel": "sns"},
    }.get(name, {})
    workflow = name in ("SentimentScored", "TicketEscalated", "ResponseGenerated", "TicketStored")
    record = {
        "eventName": name,
        "eventId": f"{ticket}:{name}:{n}",
        "ticketId": ticket,
        "occurredAt": "2025-08-08T10:15:00.123456Z",
        "source": "workflow" if workflow else "helpdesk",
        "data": data,
    }
    return record | changes


def line(record: dict) -> bytes:
    return orjson.dumps(record)


SUBMITTED = {
    "eventName": "TicketSubmitted",
    "ticketId": "TKT-9",
    "submittedAt": "2025-08-08T09:00:00+02:00",
    "data": {
        "subject": "ELB health checks failing",
        "description": "Since yesterday we get 502s.",
        "customer_contact_information": {
            "first_name": "Nancy",
            "last_name": "Allen",
            "full_name": "Nancy Allen",
            "email": "nancy.allen@example.com",
            "company": "TechCorp",
        },
        "product_issue_information": {"product": "ELB", "issue_type": "Health Check"},
    },
}


def test_a_valid_event_becomes_a_typed_row():
    LifecycleEvent.model_validate(event())  # the crafted record is contract-valid
    row = parse_event_line(line(event()), 3)
    assert isinstance(row, dict)
    assert row["event_id"] == "TKT-1:TicketAssigned:1" and row["ticket_id"] == "TKT-1"
    assert (row["event_name"], row["milestone"], row["source"]) == (
        "TicketAssigned",
        "ASSIGNED",
        "helpdesk",
    )
    assert row["occurred_at"] == datetime(2025, 8, 8, 10, 15, 0, 123456)  # naive UTC
    assert (row["agent"], row["team"], row["rating"], row["priority"]) == (
        "Ada Lovelace",
        "networking",
        None,
        None,
    )
    assert orjson.loads(row["data"]) == {"agent": "Ada Lovelace", "team": "networking"}
    assert row["_line_number"] == 3 and len(row["_content_hash"]) == 32


@pytest.mark.parametrize(
    ("name", "column", "value"),
    [
        ("SatisfactionRated", "rating", 4),
        ("SentimentScored", "sentiment", "NEGATIVE"),
        ("TicketEscalated", "priority", "HIGH"),
    ],
)
def test_typed_columns_follow_the_data_model(name, column, value):
    row = parse_event_line(line(event(name)))
    assert row[column] == value


def test_a_submission_is_the_submitted_milestone_without_the_customer_details():
    row = parse_event_line(line(SUBMITTED), 1)
    assert row["event_id"] == "TKT-9:SUBMITTED" and row["milestone"] == "SUBMITTED"
    assert row["source"] == "helpdesk"
    assert row["occurred_at"] == datetime(2025, 8, 8, 7, 0)  # +02:00 converted to UTC
    assert orjson.loads(row["data"]) == {
        "issue_type": "Health Check",
        "product": "ELB",
        "subject": "ELB health checks failing",
    }


def test_the_content_hash_ignores_encoding_but_not_content():
    base = parse_event_line(line(event()))
    same = parse_event_line(
        line(event(occurredAt="2025-08-08T12:15:00.123456+02:00", extra="ignored"))
    )
    reordered = parse_event_line(
        b'{"data":{"team":"networking","agent":"Ada Lovelace"},'
        + line({k: v for k, v in event().items() if k != "data"})[1:]
    )
    changed = parse_event_line(line(event(data={"agent": "Grace Hopper", "team": "networking"})))
    assert base["_content_hash"] == same["_content_hash"] == reordered["_content_hash"]
    assert changed["_content_hash"] != base["_content_hash"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"eventName": "TicketAssigned",', "invalid JSON: "),
        (b"[1, 2]", "not a JSON object: got a JSON list"),
        (line({"ticketId": "TKT-1", "eventId": "x"}), "missing eventName"),
        (line(event(eventName="TicketMerged")), "unknown event name 'TicketMerged'"),
        (line(event(eventName=["TicketAssigned"])), "unknown event name"),
        (line(event(ticketId=None)), "missing ticketId"),
        (line(event(eventId="")), "missing eventId"),
        (
            line(event("SatisfactionRated", data={"rating": 9})),
            "data of SatisfactionRated does not match the event contract: rating: Input should "
            "be less than or equal to 5 (got 9)",
        ),
        (
            line(event(data={"team": "networking"})),
            "data of TicketAssigned does not match the event contract: agent: Field required",
        ),
        (
            line(event(source="workflow")),
            "does not match the event contract: TicketAssigned comes from the helpdesk, not the "
            "workflow",
        ),
        (line(event(occurredAt="yesterday")), "does not match the event contract: occurredAt"),
        (line(event(ticketId="TKT 1")), "does not match the event contract: ticketId"),
        (line({**SUBMITTED, "data": {}}), "does not match the event contract: data.subject"),
    ],
)
def test_bad_lines_are_rejected_with_a_readable_reason(raw, reason):
    rejected = parse_event_line(raw, 7)
    assert isinstance(rejected, RejectedEvent)
    assert rejected.reason.startswith(reason), rejected.reason
    assert rejected.line_number == 7 and rejected.raw_text


def test_a_rejected_line_keeps_the_ids_it_has():
    rejected = parse_event_line(line(event(eventName="TicketMerged", ticket="TKT-5")))
    assert (rejected.ticket_id, rejected.event_id) == ("TKT-5", "TKT-5:TicketAssigned:1")


def test_a_gzip_file_of_json_lines_keeps_good_lines_and_rejects_bad_ones():
    body = b"\n".join(
        [line(event(n=1)), b"", b"not json", line(event(n=2)), line(event(eventName="X"))]
    )
    parsed = parse_event_file(KEY, gzip.compress(body + b"\n"))
    assert [r["event_id"] for r in parsed.rows] == [
        "TKT-1:TicketAssigned:1",
        "TKT-1:TicketAssigned:2",
    ]
    assert [r["_line_number"] for r in parsed.rows] == [1, 4]
    assert [(r.line_number, r.reason.split(":")[0]) for r in parsed.rejected] == [
        (3, "invalid JSON"),
        (5, "unknown event name 'X'"),
    ]
    assert parsed.records_total == 4


def test_plain_json_lines_and_concatenated_gzip_members_load():
    plain = parse_event_file(KEY.removesuffix(".gz"), line(event(n=1)) + b"\n")
    assert len(plain.rows) == 1 and not plain.rejected
    two_members = gzip.compress(line(event(n=1)) + b"\n") + gzip.compress(line(event(n=2)))
    assert len(parse_event_file(KEY, two_members).rows) == 2


# mtime=0: gzip stamps the time into the bytes, and the bytes name the test, so parallel
# workers collecting a second apart would see different tests (pytest-xdist refuses that).
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\x1f\x8b\x08\x00garbage-not-deflate", "unreadable gzip: "),
        (gzip.compress(line(event()) * 50, mtime=0)[:-12], "unreadable gzip: truncated"),
        (
            gzip.compress(line(event()), mtime=0) + b"trailing",
            "unreadable gzip: 8 bytes of trailing",
        ),
        (b"", "empty file"),
        (gzip.compress(b"\n\n", mtime=0), "empty file"),
        (b"\xff\xfe\x00binary", "not UTF-8 text (byte 0)"),
    ],
    ids=["not-deflate", "truncated", "trailing-bytes", "empty", "empty-gzip", "binary"],
)
def test_an_unreadable_file_is_one_rejected_record(body, reason):
    parsed = parse_event_file(KEY, body)
    assert parsed.rows == []
    [rejected] = parsed.rejected
    assert rejected.line_number is None and rejected.reason.startswith(reason), rejected.reason


def test_size_limits_hold_before_and_after_decompression():
    assert (
        parse_event_file(KEY, b"x" * 101, max_bytes=100)
        .rejected[0]
        .reason.startswith("file too large")
    )
    bomb = gzip.compress(b"\n" * 10_000)
    assert (
        "decompresses to more than 1000 bytes"
        in parse_event_file(KEY, bomb, max_bytes=1000).rejected[0].reason
    )
    with pytest.raises(ValueError, match="more than"):
        gunzip_members(gzip.compress(b"a" * 600) + gzip.compress(b"b" * 600), 1000)


# -- the SQL it feeds (pure text checks; Redshift itself is not reachable in tests) ----------------
@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "redshift"])
def test_event_sql_parses_in_every_dialect(dialect):
    sqlglot = pytest.importorskip("sqlglot")  # via dagster-dbt

    statements = (
        events_sql.create_event_tables_sql(dialect)
        + events_sql.create_event_batch_tables_sql(dialect)
        + [step.sql for step in events_sql.event_merge_steps(dialect)]
    )
    for statement in statements:
        if "diststyle" in statement:
            statement = statement.split("\ndiststyle")[0].split("\nsortkey")[0]
        elif "\nsortkey" in statement:
            statement = statement.split("\nsortkey")[0]
        sqlglot.parse_one(statement, read=dialect)
    locked = statements[len(statements) - len(events_sql.event_merge_steps(dialect))]
    assert locked.startswith("lock table") == (dialect != "duckdb")


def test_redshift_event_tables_declare_distribution_and_sort_keys():
    ddl = "\n".join(events_sql.create_event_tables_sql("redshift"))
    assert "distkey (ticket_id) sortkey (_partition_date, ticket_id)" in ddl
    assert "diststyle all sortkey (partition_date, file_key)" in ddl
    assert "create index" not in ddl
