"""trigger_sfn: one execution per submitted ticket, named so a redelivery cannot start another."""

import base64
import re
from collections.abc import Iterator
from typing import Any

import boto3
import orjson
import pytest
from botocore.stub import Stubber
from lambda_events import REGION, kinesis_event, lifecycle_event, submitted_event
from moto import mock_aws

from lambdas.common.kinesis import kinesis_records
from lambdas.trigger_sfn import handler as trigger
from lambdas.trigger_sfn.execution import (
    build_execution_input,
    execution_input_json,
    execution_name,
    truncate_utf8,
)
from lambdas.trigger_sfn.starter import start_executions
from ticket_platform.contracts import TicketSubmittedEvent

NAME_RULE = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
PASS_DEFINITION = '{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}'


@pytest.fixture
def state_machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:
    """A moto state machine wired into the handler's environment (client cache cleared)."""
    with mock_aws():
        client = boto3.client("stepfunctions", region_name=REGION)
        arn = client.create_state_machine(
            name="ticket-workflow",
            definition=PASS_DEFINITION,
            roleArn="arn:aws:iam::123456789012:role/ticket-workflow",
        )["stateMachineArn"]
        monkeypatch.setenv("STATE_MACHINE_ARN", arn)
        trigger._sfn_client.cache_clear()
        yield client, arn
        trigger._sfn_client.cache_clear()


def executions(client: Any, arn: str) -> list[dict[str, Any]]:
    return client.list_executions(stateMachineArn=arn)["executions"]


# -- execution name and input ---------------------------------------------------------------
def test_a_plain_ticket_id_names_its_execution_directly():
    assert execution_name("TKT-20250808-1046") == "ticket-TKT-20250808-1046"
    assert execution_name("TKT-20250808-1046") == execution_name("TKT-20250808-1046")


@pytest.mark.parametrize("ticket_id", ["a.b", "a:b", "a b", "x" * 74, "T" * 200, "é"])
def test_other_ids_get_a_sanitized_prefix_and_a_hash(ticket_id: str):
    name = execution_name(ticket_id)
    assert NAME_RULE.match(name), name
    assert re.search(r"-[0-9a-f]{16}$", name)
    assert name == execution_name(ticket_id)


def test_ids_that_sanitize_alike_get_different_names():
    names = {execution_name(i) for i in ("a_b", "a.b", "a:b", "a b")}
    assert len(names) == 4
    assert execution_name("a_b") == "ticket-a_b"


def test_the_longest_plain_name_is_80_characters():
    assert execution_name("x" * 73) == "ticket-" + "x" * 73
    assert len(execution_name("x" * 74)) == 80


def test_truncation_never_splits_a_character():
    text = "a" * 4_999 + "é"  # é is 2 bytes: it does not fit in 5,000
    assert truncate_utf8(text, 5_000) == "a" * 4_999
    assert truncate_utf8("short", 5_000) == "short"
    assert truncate_utf8("ab" + "😀" * 2_000, 5_000) == "ab" + "😀" * 1_249  # 4,998 bytes


def test_execution_input_has_the_ticket_in_utc_and_the_sentiment_text():
    event = TicketSubmittedEvent.model_validate(
        submitted_event(submittedAt="2025-08-09T01:54:18.524355+05:00")
    )
    built = build_execution_input(event)
    assert built["ticket"]["submittedAt"] == "2025-08-08T20:54:18.524355Z"
    assert built["ticket"]["ticketId"] == "TKT-20250808-1046"
    assert built["ticket"]["data"]["product_issue_information"]["product"] == "Amazon EC2"
    assert built["sentimentText"] == (f"{event.data.subject}\n\n{event.data.description}")
    assert execution_input_json(event) == execution_input_json(event)


def test_sentiment_text_is_cut_to_5000_bytes():
    event = TicketSubmittedEvent.model_validate(
        submitted_event(data={**submitted_event()["data"], "description": "ü" * 9_000})
    )
    text = build_execution_input(event)["sentimentText"]
    assert len(text.encode()) <= 5_000
    assert text.startswith(event.data.subject + "\n\nü")


# -- the handler on moto -----------------------------------------------------------------------
def test_a_submitted_ticket_starts_its_execution_with_the_documented_input(state_machine):
    client, arn = state_machine
    response = trigger.handler(kinesis_event(submitted_event()), None)
    assert response == {"batchItemFailures": []}
    (execution,) = executions(client, arn)
    assert execution["name"] == "ticket-TKT-20250808-1046"
    described = client.describe_execution(executionArn=execution["executionArn"])
    started_input = orjson.loads(described["input"])
    assert started_input == build_execution_input(
        TicketSubmittedEvent.model_validate(submitted_event())
    )


def test_a_redelivered_record_starts_no_second_execution(state_machine):
    client, arn = state_machine
    batch = kinesis_event(submitted_event())
    assert trigger.handler(batch, None) == {"batchItemFailures": []}
    # While the execution runs, Step Functions answers an identical request with it.
    assert trigger.handler(batch, None) == {"batchItemFailures": []}
    (execution,) = executions(client, arn)
    # Once it has finished, or when the input differs, the name is refused: already started.
    client.stop_execution(executionArn=execution["executionArn"])
    assert trigger.handler(batch, None) == {"batchItemFailures": []}
    assert len(executions(client, arn)) == 1


def test_a_resubmitted_ticket_id_counts_as_already_started(state_machine, caplog):
    client, arn = state_machine
    trigger.handler(kinesis_event(submitted_event()), None)
    changed = submitted_event()
    changed["data"]["subject"] = "Same ticket, edited subject"
    with caplog.at_level("INFO"):
        assert trigger.handler(kinesis_event(changed), None) == {"batchItemFailures": []}
    assert len(executions(client, arn)) == 1
    summary = orjson.loads(caplog.records[-1].getMessage())
    assert summary["already_started"] == 1
    assert "started" not in summary


def test_a_mixed_batch_is_counted_and_only_submissions_start(state_machine, caplog):
    client, arn = state_machine
    invalid_ticket = submitted_event("TKT-BAD")
    del invalid_ticket["data"]["subject"]
    batch = kinesis_event(
        submitted_event("TKT-1"),
        lifecycle_event("SentimentScored", "2025-08-08T20:54:20Z", {}),
        {"eventName": "SomethingNew", "ticketId": "TKT-1"},
        "not base64 at all!",
        b"{not json",
        b"[1, 2]",
        invalid_ticket,
        submitted_event("TKT-2"),
    )
    with caplog.at_level("INFO"):
        response = trigger.handler(batch, None)
    assert response == {"batchItemFailures": []}  # invalid records are never retried
    assert sorted(e["name"] for e in executions(client, arn)) == ["ticket-TKT-1", "ticket-TKT-2"]
    summary = orjson.loads(caplog.records[-1].getMessage())
    assert summary["message"] == "batch_done"
    assert summary["received"] == 8
    assert summary["started"] == 2
    assert summary["skipped"] == 2
    assert summary["skipped_events"] == {"SentimentScored": 1, "SomethingNew": 1}
    assert summary["invalid"] == 4
    invalid = [
        orjson.loads(r.getMessage()) for r in caplog.records if "invalid_record" in r.getMessage()
    ]
    assert {line["sequence_number"] for line in invalid} == {
        "49600003",
        "49600004",
        "49600005",
        "49600006",
    }
    assert any("data.subject" in line["reason"] for line in invalid)


# -- failures ------------------------------------------------------------------------------------
def _stubbed_client() -> tuple[Any, Stubber]:
    client = boto3.client("stepfunctions", region_name=REGION)
    return client, Stubber(client)


ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:ticket-workflow"
STARTED = {
    "executionArn": "arn:aws:states:us-east-1:123456789012:execution:ticket-workflow:x",
    "startDate": "2025-08-08T20:54:19Z",
}


def test_throttling_reports_the_record_and_everything_after_it():
    client, stubber = _stubbed_client()
    stubber.add_response("start_execution", STARTED)
    stubber.add_client_error(
        "start_execution", service_error_code="ThrottlingException", http_status_code=400
    )
    batch = kinesis_event(
        submitted_event("TKT-1"), submitted_event("TKT-2"), submitted_event("TKT-3")
    )
    with stubber:
        report = start_executions(kinesis_records(batch), client, ARN)
    stubber.assert_no_pending_responses()  # TKT-3 was not attempted
    assert report.response() == {
        "batchItemFailures": [{"itemIdentifier": "49600001"}, {"itemIdentifier": "49600002"}]
    }
    assert report.counts["started"] == 1
    assert report.counts["failed"] == 1
    assert report.counts["not_attempted"] == 1


def test_the_first_record_failing_reports_the_whole_batch():
    client, stubber = _stubbed_client()
    stubber.add_client_error(
        "start_execution", service_error_code="ServiceUnavailable", http_status_code=503
    )
    batch = kinesis_event(submitted_event("TKT-1"), {"eventName": "TicketResolved"})
    with stubber:
        report = start_executions(kinesis_records(batch), client, ARN)
    assert [f["itemIdentifier"] for f in report.response()["batchItemFailures"]] == [
        "49600000",
        "49600001",
    ]


def test_execution_already_exists_is_success_and_rejected_input_is_not_retried():
    client, stubber = _stubbed_client()
    stubber.add_client_error("start_execution", service_error_code="ExecutionAlreadyExists")
    stubber.add_client_error("start_execution", service_error_code="InvalidExecutionInput")
    stubber.add_response("start_execution", STARTED)
    batch = kinesis_event(
        submitted_event("TKT-1"), submitted_event("TKT-2"), submitted_event("TKT-3")
    )
    with stubber:
        report = start_executions(kinesis_records(batch), client, ARN)
    assert report.response() == {"batchItemFailures": []}
    assert dict(report.counts) == {
        "received": 3,
        "already_started": 1,
        "invalid": 1,
        "started": 1,
    }


def test_the_request_names_the_execution_and_passes_the_input():
    client, stubber = _stubbed_client()
    event = TicketSubmittedEvent.model_validate(submitted_event("TKT-7.a"))
    stubber.add_response(
        "start_execution",
        STARTED,
        {
            "stateMachineArn": ARN,
            "name": execution_name("TKT-7.a"),
            "input": execution_input_json(event),
        },
    )
    with stubber:
        report = start_executions(
            kinesis_records(kinesis_event(submitted_event("TKT-7.a"))), client, ARN
        )
    stubber.assert_no_pending_responses()
    assert report.counts["started"] == 1


def test_records_decode_from_base64():
    batch = kinesis_event(submitted_event())
    (record,) = kinesis_records(batch)
    assert orjson.loads(base64.b64decode(record.data))["ticketId"] == "TKT-20250808-1046"
