"""status_recorder: every event in the history once, the state moved only by newer events."""

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import orjson
import pytest
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError
from lambda_events import REGION, kinesis_event, lifecycle_event, submitted_event
from moto import mock_aws

from lambdas.common.kinesis import kinesis_records
from lambdas.status_recorder import handler as recorder_handler
from lambdas.status_recorder.recorder import record_events
from lambdas.status_recorder.state import history_item, iso_utc, next_state
from lambdas.status_recorder.store import DynamoLifecycleStore, MemoryLifecycleStore
from ticket_platform.contracts import parse_stream_event

TABLE = "tickets"
TICKET = "TKT-20250808-1046"
NOW = datetime(2025, 8, 9, 12, 0, tzinfo=UTC)

SUBMITTED = submitted_event()  # 20:54:18.524355
SCORED = lifecycle_event(
    "SentimentScored",
    "2025-08-08T20:54:19.100Z",
    {
        "sentiment": "NEGATIVE",
        "score_positive": 0.01,
        "score_negative": 0.93,
        "score_neutral": 0.05,
        "score_mixed": 0.01,
    },
)
RESPONDED = lifecycle_event(
    "ResponseGenerated",
    "2025-08-08T20:54:23.400Z",
    {"priority": "HIGH", "model_id": "us.amazon.nova-pro-v1:0", "prompt_version": "v1"},
)
STORED = lifecycle_event(
    "TicketStored", "2025-08-08T20:54:24Z", {"s3_key": "tickets/2025/08/08/ticket_x.json"}
)
ESCALATED = lifecycle_event("TicketEscalated", "2025-08-08T20:54:25Z", {"priority": "HIGH"})
ASSIGNED = lifecycle_event(
    "TicketAssigned", "2025-08-08T21:10:00Z", {"agent": "Ana", "team": "compute"}
)
RESOLVED = lifecycle_event(
    "TicketResolved", "2025-08-09T09:00:00Z", {"agent": "Ana", "resolution": "ok"}
)
REOPENED = lifecycle_event("TicketReopened", "2025-08-09T10:00:00Z", {"reason": "again"})
RATED = lifecycle_event("SatisfactionRated", "2025-08-09T11:00:00Z", {"rating": 4, "comment": ""})
LIFECYCLE = [SUBMITTED, SCORED, RESPONDED, STORED, ESCALATED, ASSIGNED, RESOLVED, REOPENED, RATED]

# The help desk's conversation between ASSIGNED and RESOLVED (Zendesk-like statuses).
REASSIGNED = lifecycle_event(
    "TicketReassigned",
    "2025-08-08T21:40:00Z",
    {"agent": "Bo", "team": "networking", "from_team": "compute", "reason": "VPC issue"},
)
NOTE = lifecycle_event(
    "InternalNoteAdded", "2025-08-08T21:45:00Z", {"agent": "Bo", "team": "networking"}
)
FIRST_REPLY = lifecycle_event(
    "AgentReplied", "2025-08-08T22:00:00Z", {"agent": "Bo", "team": "networking"}
)
PENDING = lifecycle_event(
    "TicketStatusChanged", "2025-08-08T22:00:00Z", {"status": "pending", "agent": "Bo"}
)
REQUESTER = lifecycle_event("RequesterReplied", "2025-08-08T23:30:00Z", {"channel": "email"})
REOPENED_BY_REPLY = lifecycle_event(
    "TicketStatusChanged", "2025-08-08T23:30:00Z", {"status": "open", "agent": None}
)
ON_HOLD = lifecycle_event(
    "TicketStatusChanged",
    "2025-08-09T01:00:00Z",
    {"status": "on_hold", "agent": "Bo", "reason": "waiting on the Amazon VPC service team"},
)
BACK_OPEN = lifecycle_event(
    "TicketStatusChanged", "2025-08-09T06:00:00Z", {"status": "open", "agent": "Bo"}
)
SECOND_REPLY = lifecycle_event(
    "AgentReplied", "2025-08-09T08:00:00Z", {"agent": "Bo", "team": "networking"}
)
CONVERSATION = [
    REASSIGNED,
    NOTE,
    FIRST_REPLY,
    PENDING,
    REQUESTER,
    REOPENED_BY_REPLY,
    ON_HOLD,
    BACK_OPEN,
    SECOND_REPLY,
]
WHOLE_LIFE = LIFECYCLE[:6] + CONVERSATION + LIFECYCLE[6:]


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with mock_aws():
        resource = boto3.resource("dynamodb", region_name=REGION)
        created = resource.create_table(
            TableName=TABLE,
            KeySchema=[
                {"AttributeName": "ticket_id", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "ticket_id", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        monkeypatch.setenv("TICKET_TABLE", TABLE)
        recorder_handler._store.cache_clear()
        yield created
        recorder_handler._store.cache_clear()


def state(table: Any, ticket_id: str = TICKET) -> dict[str, Any] | None:
    return table.get_item(Key={"ticket_id": ticket_id, "sk": "STATE"}).get("Item")


def history(table: Any, ticket_id: str = TICKET) -> list[dict[str, Any]]:
    condition = Key("ticket_id").eq(ticket_id) & Key("sk").begins_with("EVENT#")
    return table.query(KeyConditionExpression=condition)["Items"]


def record(table: Any, *events: dict[str, Any]) -> dict[str, Any]:
    return record_events(
        kinesis_records(kinesis_event(*events)), DynamoLifecycleStore(table), lambda: NOW
    ).counts


def test_a_whole_lifecycle_is_recorded_and_sets_the_state(table):
    response = recorder_handler.handler(kinesis_event(*LIFECYCLE), None)
    assert response == {"batchItemFailures": []}
    items = history(table)
    assert [i["milestone"] for i in items] == [
        "SUBMITTED",
        "SENTIMENT_SCORED",
        "RESPONSE_GENERATED",
        "STORED",
        "ESCALATED",
        "ASSIGNED",
        "RESOLVED",
        "REOPENED",
        "SATISFACTION_RATED",
    ]
    first = items[0]
    assert first["sk"] == f"EVENT#2025-08-08T20:54:18.524355Z#{TICKET}:SUBMITTED"
    assert first["event_name"] == "TicketSubmitted" and first["source"] == "helpdesk"
    assert orjson.loads(first["data"]) == {
        "issue_type": "Instance Connectivity",
        "product": "Amazon EC2",
        "subject": SUBMITTED["data"]["subject"],
    }
    assert items[2]["occurred_at"] == "2025-08-08T20:54:23.400000Z"
    assert orjson.loads(items[2]["data"])["priority"] == "HIGH"
    current = state(table)
    assert current["status"] == "reopened"  # a rating keeps the status
    assert current["satisfaction_rating"] == 4
    assert current["priority"] == "HIGH"
    assert current["assigned_team"] == "compute"
    assert current["last_milestone"] == "SATISFACTION_RATED"
    assert current["last_event_at"] == "2025-08-09T11:00:00.000000Z"
    assert current["last_event_id"] == RATED["eventId"]


@pytest.mark.parametrize(
    ("events", "status"),
    [
        ([SUBMITTED], "processing"),
        ([SUBMITTED, SCORED], "processing"),
        ([SUBMITTED, SCORED, RESPONDED], "processing"),
        ([SUBMITTED, SCORED, RESPONDED, STORED], "new"),
        ([SUBMITTED, ESCALATED], "escalated"),
        ([SUBMITTED, ASSIGNED], "assigned"),
        ([SUBMITTED, RESOLVED], "resolved"),
        ([SUBMITTED, RESOLVED, REOPENED], "reopened"),
        ([SUBMITTED, RESOLVED, RATED], "resolved"),
        ([SUBMITTED, ASSIGNED, REASSIGNED, NOTE, FIRST_REPLY], "assigned"),
        ([SUBMITTED, ASSIGNED, FIRST_REPLY, PENDING], "pending"),
        ([SUBMITTED, ASSIGNED, FIRST_REPLY, PENDING, REQUESTER], "pending"),
        ([SUBMITTED, ASSIGNED, PENDING, REQUESTER, REOPENED_BY_REPLY], "open"),
        ([SUBMITTED, ASSIGNED, ON_HOLD], "on_hold"),
        ([SUBMITTED, ASSIGNED, ON_HOLD, BACK_OPEN, SECOND_REPLY], "open"),
        (WHOLE_LIFE[:-2], "resolved"),
        (
            [
                SUBMITTED,
                lifecycle_event(
                    "TicketProcessingFailed",
                    "2025-08-08T20:55:00Z",
                    {"error": "States.TaskFailed", "cause": "Bedrock"},
                ),
            ],
            "failed",
        ),
    ],
)
def test_status_after_each_milestone(table, events, status):
    record(table, *events)
    assert state(table)["status"] == status


def test_a_conversation_moves_the_team_the_status_and_the_first_reply_time(table):
    record(table, *WHOLE_LIFE[:-2])
    current = state(table)
    assert current["assigned_team"] == "networking"  # the reassignment's team
    assert current["first_agent_reply_at"] == "2025-08-08T22:00:00.000000Z"  # not the second
    assert current["status"] == "resolved"
    assert len(history(table)) == len(WHOLE_LIFE) - 2


def test_the_first_reply_time_is_set_once_in_the_pure_rules_too():
    first = next_state(None, parse_stream_event(FIRST_REPLY), NOW)
    second = next_state(first, parse_stream_event(SECOND_REPLY), NOW)
    assert (
        first["first_agent_reply_at"]
        == second["first_agent_reply_at"]
        == iso_utc(datetime(2025, 8, 8, 22, 0, tzinfo=UTC))
    )
    assert second["last_event_id"] == SECOND_REPLY["eventId"]
    assert "status" not in second  # a reply keeps the status (none yet here)


def test_a_failure_with_a_long_cause_is_recorded_truncated_not_dropped(table):
    """Step Functions causes reach 32,768 characters (a Lambda stack trace); the contract keeps
    4,000. The event is recorded with its cause cut and marked, never lost as invalid."""
    cause = "Traceback (most recent call last):\n" + "x" * 9_000 + "\nThe real error at the end"
    failed = lifecycle_event(
        "TicketProcessingFailed",
        "2025-08-08T20:55:00Z",
        {"error": "E" * 300, "cause": cause},
    )
    counts = record(table, SUBMITTED, failed)

    assert counts["recorded"] == 2 and counts["truncated"] == 1 and "invalid" not in counts
    assert state(table)["status"] == "failed"
    data = orjson.loads(history(table)[-1]["data"])
    assert len(data["cause"]) <= 4000 and len(data["error"]) <= 256
    assert data["cause"].startswith("Traceback (most recent call last):\nxxx")
    assert data["cause"].endswith(f" of {len(cause)} characters]")
    assert "truncated" in data["cause"] and "truncated" in data["error"]


def test_a_failure_within_the_caps_is_kept_whole(table):
    cause = "c" * 4000
    failed = lifecycle_event(
        "TicketProcessingFailed", "2025-08-08T20:55:00Z", {"error": "E", "cause": cause}
    )
    counts = record(table, failed)
    assert counts["recorded"] == 1 and "truncated" not in counts
    assert orjson.loads(history(table)[-1]["data"])["cause"] == cause


def test_a_redelivered_batch_is_a_counted_no_op(table):
    first = record(table, *LIFECYCLE)
    before_history, before_state = history(table), state(table)
    again = record(table, *LIFECYCLE)
    assert first["recorded"] == 9 and "duplicate" not in first
    assert again["duplicate"] == 9
    assert "recorded" not in again and "state_repaired" not in again
    assert history(table) == before_history
    assert state(table) == before_state


def test_an_older_event_keeps_its_history_but_not_the_state(table):
    record(table, SUBMITTED, RESOLVED, REOPENED)
    late_resolution = lifecycle_event(
        "TicketResolved",
        "2025-08-09T09:30:00Z",  # before the reopening, delivered after it
        {"agent": "Bo", "resolution": "late"},
    )
    counts = record(table, late_resolution)
    assert counts["recorded"] == 1 and counts["out_of_order"] == 1
    assert state(table)["status"] == "reopened"
    assert state(table)["last_event_id"] == REOPENED["eventId"]
    times = [item["occurred_at"] for item in history(table)]
    assert times == sorted(times)
    assert [i["milestone"] for i in history(table)] == [
        "SUBMITTED",
        "RESOLVED",
        "RESOLVED",
        "REOPENED",
    ]


def test_events_in_any_order_end_in_the_same_state(table):
    shuffled = LIFECYCLE[:]
    random.Random(7).shuffle(shuffled)
    record(table, *shuffled)
    in_order = MemoryLifecycleStore()
    for event in LIFECYCLE:
        in_order.record(parse_stream_event(event), NOW)
    expected = in_order.state(TICKET)
    for name in ("status", "last_milestone", "last_event_id", "last_event_at"):
        assert state(table)[name] == expected[name], name


@pytest.mark.parametrize("events", [LIFECYCLE, WHOLE_LIFE], ids=["workflow", "conversation"])
def test_the_memory_store_follows_the_same_rules_as_dynamodb(table, events):
    rng = random.Random(11)
    deliveries = events + rng.sample(events, 4)  # with redeliveries
    rng.shuffle(deliveries)
    memory = MemoryLifecycleStore()
    dynamo = DynamoLifecycleStore(table)
    for event in deliveries:
        parsed = parse_stream_event(event)
        assert memory.record(parsed, NOW) == dynamo.record(parsed, NOW), event["eventName"]
    assert memory.state(TICKET) == state(table)
    assert memory.history(TICKET) == history(table)


def test_a_write_left_half_done_is_repaired_on_redelivery(table):
    event = parse_stream_event(STORED)
    table.put_item(Item=history_item(event, NOW))  # the state update never happened
    counts = record(table, STORED)
    assert counts["duplicate"] == 1 and counts["state_repaired"] == 1
    assert state(table)["status"] == "new"


def test_unknown_and_invalid_records_are_counted_not_retried(table, caplog):
    bad_rating = lifecycle_event("SatisfactionRated", "2025-08-09T11:00:00Z", {"rating": 9})
    wrong_source = {**ASSIGNED, "source": "workflow"}
    with caplog.at_level("INFO"):
        response = recorder_handler.handler(
            kinesis_event(
                SUBMITTED,
                {"eventName": "TicketMerged", "ticketId": TICKET},
                "%%%",
                b"not json",
                bad_rating,
                wrong_source,
            ),
            None,
        )
    assert response == {"batchItemFailures": []}
    summary = orjson.loads(caplog.records[-1].getMessage())
    assert summary["recorded"] == 1
    assert summary["skipped"] == 1 and summary["skipped_events"] == {"TicketMerged": 1}
    assert summary["invalid"] == 4
    assert len(history(table)) == 1


def test_throttling_reports_the_record_and_everything_after_it():
    class ThrottledStore(MemoryLifecycleStore):
        def record(self, event, recorded_at):
            if event.eventName == "ResponseGenerated":
                raise ClientError(
                    {
                        "Error": {
                            "Code": "ProvisionedThroughputExceededException",
                            "Message": "slow",
                        }
                    },
                    "PutItem",
                )
            return super().record(event, recorded_at)

    store = ThrottledStore()
    report = record_events(
        kinesis_records(kinesis_event(SUBMITTED, SCORED, RESPONDED, STORED)), store
    )
    assert report.response() == {
        "batchItemFailures": [{"itemIdentifier": "49600002"}, {"itemIdentifier": "49600003"}]
    }
    assert report.counts["recorded"] == 2
    assert report.counts["failed"] == 1 and report.counts["not_attempted"] == 1
    assert [i["milestone"] for i in store.history(TICKET)] == ["SUBMITTED", "SENTIMENT_SCORED"]


# -- the pure rules ------------------------------------------------------------------------------
def test_next_state_applies_newer_events_only():
    resolved, reopened = parse_stream_event(RESOLVED), parse_stream_event(REOPENED)
    first = next_state(None, reopened, NOW)
    assert first == {
        "status": "reopened",
        "last_milestone": "REOPENED",
        "last_event_at": "2025-08-09T10:00:00.000000Z",
        "last_event_id": REOPENED["eventId"],
        "updated_at": iso_utc(NOW),
    }
    assert next_state(first, resolved, NOW) is None  # older
    assert next_state(first, reopened, NOW) is None  # the same event again
    rated = next_state(first, parse_stream_event(RATED), NOW)
    assert rated["status"] == "reopened" and rated["satisfaction_rating"] == 4


def test_an_event_at_the_same_instant_with_another_id_applies():
    at_same_time = lifecycle_event(
        "TicketAssigned", REOPENED["occurredAt"], {"agent": "Cy", "team": "db"}
    )
    current = next_state(None, parse_stream_event(REOPENED), NOW)
    moved = next_state(current, parse_stream_event(at_same_time), NOW)
    assert moved["status"] == "assigned" and moved["assigned_team"] == "db"


def test_iso_utc_has_a_fixed_width():
    assert iso_utc(datetime(2025, 8, 8, 20, 54, 18, tzinfo=UTC)) == "2025-08-08T20:54:18.000000Z"
    assert iso_utc(datetime(2025, 8, 8, 20, 54, 18)) == "2025-08-08T20:54:18.000000Z"
