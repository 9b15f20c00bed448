"""s3_writer: a contract-valid processed ticket at its lake key, written once."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import orjson
import pytest
from lambda_events import REGION, SENTIMENT, submitted_event
from moto import mock_aws

from lambdas.s3_writer import handler as writer_handler
from lambdas.s3_writer.record import build_processed_ticket, serialize_ticket
from lambdas.s3_writer.store import S3TicketStore
from lambdas.s3_writer.writer import write_ticket
from ticket_platform.contracts import (
    TICKET_COLUMNS,
    InvalidTicketError,
    ProcessedTicket,
    RecordSource,
)

BUCKET = "ticket-lake"
RESPONSE = {
    "response_text": "Hello Priya,\n\n1. Open the EC2 console.\n\nBest regards,\nAWS Support",
    "priority": "HIGH",
    "priority_reasoning": "Production outage with a strongly negative customer.",
    "model_id": "us.amazon.nova-pro-v1:0",
    "prompt_version": "support-response-v1",
}


def task_input(**overrides: Any) -> dict[str, Any]:
    """What the workflow passes to s3_writer (submitted late on 8 August in UTC+02:00 = UTC day 8)."""
    payload = {
        "ticket": submitted_event(submittedAt="2025-08-09T01:30:00.250+02:00"),
        "sentiment": SENTIMENT,
        "response": RESPONSE,
        "processedAt": "2025-08-08T23:30:02.125Z",
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET)
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        monkeypatch.setenv("TICKET_BUCKET", BUCKET)
        monkeypatch.delenv("TICKET_PREFIX", raising=False)
        monkeypatch.delenv("RECORD_SOURCE", raising=False)
        writer_handler._store.cache_clear()
        yield client
        writer_handler._store.cache_clear()


def versions(client: Any, key: str) -> int:
    return len(client.list_object_versions(Bucket=BUCKET, Prefix=key).get("Versions", []))


def test_the_record_maps_every_field_of_the_workflow_state():
    ticket = build_processed_ticket(task_input())
    assert ticket.ticket_id == "TKT-20250808-1046"
    assert ticket.submitted_at == datetime(2025, 8, 8, 23, 30, 0, 250_000, tzinfo=UTC)
    assert ticket.processed_at == datetime(2025, 8, 8, 23, 30, 2, 125_000, tzinfo=UTC)
    assert (ticket.customer_first_name, ticket.customer_last_name) == ("Priya", "Raman")
    assert ticket.customer_full_name == "Priya Raman"
    assert ticket.customer_email == "priya.raman@northwind.example"
    assert ticket.company == "Northwind Traders"
    assert (ticket.product, ticket.issue_type) == ("Amazon EC2", "Instance Connectivity")
    assert ticket.subject.startswith("Production API down")
    assert ticket.sentiment == "NEGATIVE"
    assert ticket.sentiment_score_negative == 0.93
    assert ticket.sentiment_score_positive == 0.01
    assert ticket.sentiment_score_neutral == 0.05
    assert ticket.sentiment_score_mixed == 0.01
    assert ticket.response_text == RESPONSE["response_text"]
    assert ticket.priority == "HIGH"
    assert ticket.priority_reasoning == RESPONSE["priority_reasoning"]
    assert ticket.schema_version == 2
    assert ticket.record_source == "realtime"
    assert ticket.target_sentiment is None


def test_serialization_is_deterministic_sorted_and_utc():
    body = serialize_ticket(build_processed_ticket(task_input()))
    assert body == serialize_ticket(build_processed_ticket(task_input()))
    document = orjson.loads(body)
    assert list(document) == sorted(TICKET_COLUMNS)
    assert document["submitted_at"] == "2025-08-08T23:30:00.250000Z"
    assert document["processed_at"] == "2025-08-08T23:30:02.125000Z"


def test_a_processing_time_before_submission_is_raised_to_it(caplog):
    with caplog.at_level("WARNING"):
        ticket = build_processed_ticket(task_input(processedAt="2025-08-08T23:29:59Z"))
    assert ticket.processed_at == ticket.submitted_at
    assert "clock_skew" in caplog.text


def test_the_handler_writes_a_contract_valid_ticket_at_its_lake_key(s3):
    result = writer_handler.handler(task_input(), None)
    key = "tickets/2025/08/08/ticket_TKT-20250808-1046.json"
    assert result == {"bucket": BUCKET, "key": key, "written": True}
    stored = s3.get_object(Bucket=BUCKET, Key=key)
    assert stored["ContentType"] == "application/json"
    body = stored["Body"].read()
    ticket = ProcessedTicket.model_validate_json(body)
    assert ticket == build_processed_ticket(task_input())
    assert ticket.lake_key() == key
    assert body == serialize_ticket(ticket)


def test_a_retried_write_writes_nothing(s3):
    first = writer_handler.handler(task_input(), None)
    second = writer_handler.handler(task_input(), None)
    assert first["written"] is True
    assert second == {**first, "written": False}
    assert versions(s3, first["key"]) == 1


def test_a_changed_record_is_written_again(s3):
    first = writer_handler.handler(task_input(), None)
    changed = writer_handler.handler(task_input(response={**RESPONSE, "priority": "MEDIUM"}), None)
    assert changed == {**first, "written": True}
    assert versions(s3, first["key"]) == 2


def test_prefix_and_record_source_come_from_the_environment(s3, monkeypatch):
    monkeypatch.setenv("TICKET_PREFIX", "lake/tickets/")
    monkeypatch.setenv("RECORD_SOURCE", "simulated")
    result = writer_handler.handler(task_input(), None)
    assert result["key"] == "lake/tickets/2025/08/08/ticket_TKT-20250808-1046.json"
    body = s3.get_object(Bucket=BUCKET, Key=result["key"])["Body"].read()
    assert ProcessedTicket.model_validate_json(body).record_source == RecordSource.SIMULATED


def test_an_unknown_record_source_is_a_configuration_error(s3, monkeypatch):
    monkeypatch.setenv("RECORD_SOURCE", "bedrock")
    with pytest.raises(writer_handler.ConfigurationError, match="bedrock"):
        writer_handler.handler(task_input(), None)


@pytest.mark.parametrize(
    "overrides",
    [
        {"response": None},
        {"response": {**RESPONSE, "priority": "URGENT"}},
        {"sentiment": {"Sentiment": "NEGATIVE"}},
        {"processedAt": "yesterday"},
        {"ticket": {**submitted_event(), "data": {}}},
    ],
)
def test_input_that_can_never_succeed_is_an_invalid_ticket_error(overrides: dict[str, Any]):
    class NoWrites:
        def put_if_changed(self, key: str, body: bytes) -> bool:
            raise AssertionError("nothing must be written")

    with pytest.raises(InvalidTicketError) as raised:
        write_ticket(task_input(**overrides), NoWrites())
    assert type(raised.value).__name__ == "InvalidTicketError"


def test_the_core_writes_through_any_store():
    class MemoryStore:
        def __init__(self) -> None:
            self.objects: dict[str, bytes] = {}

        def put_if_changed(self, key: str, body: bytes) -> bool:
            if self.objects.get(key) == body:
                return False
            self.objects[key] = body
            return True

    store = MemoryStore()
    outcome = write_ticket(task_input(), store, record_source="simulated")
    assert (
        outcome.written and not write_ticket(task_input(), store, record_source="simulated").written
    )
    assert (
        ProcessedTicket.model_validate_json(store.objects[outcome.key]).record_source == "simulated"
    )


def test_the_s3_store_compares_the_stored_bytes(s3):
    store = S3TicketStore(s3, BUCKET)
    assert store.put_if_changed("tickets/x.json", b"{}") is True
    assert store.put_if_changed("tickets/x.json", b"{}") is False
    assert store.put_if_changed("tickets/x.json", b'{"a":1}') is True
