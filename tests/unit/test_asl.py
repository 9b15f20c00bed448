"""The local ASL interpreter, on the workflow's real definition and on small machines."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from lambdas.workflow import SUBSTITUTIONS, render_definition
from ticket_platform_demo.simulator.asl import LocalStateMachine, iso_timestamp
from ticket_platform_demo.simulator.asl_paths import (
    StatesError,
    evaluate_intrinsic,
    read_path,
    write_path,
)

SENTIMENT = "arn:aws:states:::aws-sdk:comprehend:detectSentiment"
PUT_RECORD = "arn:aws:states:::aws-sdk:kinesis:putRecord"
INVOKE = "arn:aws:states:::lambda:invoke"
PUT_ITEM = "arn:aws:states:::dynamodb:putItem"
PUBLISH = "arn:aws:states:::sns:publish"
SEND = "arn:aws:states:::sqs:sendMessage"


class Clock:
    def __init__(self):
        self.now = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)

    def __call__(self):
        self.now += timedelta(milliseconds=250)
        return self.now

    def sleep(self, seconds):
        self.now += timedelta(seconds=seconds)


class FakeAws:
    """Records every call the workflow makes; the two Lambdas are plain functions."""

    def __init__(self, priority="NORMAL", generator_errors=()):
        self.priority = priority
        self.generator_errors = list(generator_errors)
        self.records, self.items, self.alerts, self.dead_letters, self.writes = [], [], [], [], []

    def resources(self):
        return {
            SENTIMENT: self.sentiment,
            PUT_RECORD: lambda p: self.records.append(p) or {"SequenceNumber": "1"},
            INVOKE: self.invoke,
            PUT_ITEM: lambda p: self.items.append(p) or {},
            PUBLISH: lambda p: self.alerts.append(p) or {"MessageId": "m"},
            SEND: lambda p: self.dead_letters.append(p) or {"MessageId": "d"},
        }

    def sentiment(self, params):
        assert params == {"Text": "Subject\n\nBody", "LanguageCode": "en"}
        scores = {"Positive": 0.01, "Negative": 0.9, "Neutral": 0.08, "Mixed": 0.01}
        return {"Sentiment": "NEGATIVE", "SentimentScore": scores, "ResponseMetadata": {}}

    def invoke(self, params):
        function, payload = params["FunctionName"], params["Payload"]
        if function == "generator-arn":
            if self.generator_errors:
                raise self.generator_errors.pop(0)
            result = {
                "response_text": "Dear customer",
                "priority": self.priority,
                "priority_reasoning": "rule",
                "model_id": "m",
                "prompt_version": "v1",
            }
        else:
            self.writes.append(payload)
            result = {
                "bucket": "lake",
                "key": "tickets/2025/03/04/ticket_T-1.json",
                "written": True,
            }
        return {"StatusCode": 200, "Payload": result}


def machine(fake, clock=None):
    definition = render_definition(
        {name: name.lower() for name in SUBSTITUTIONS}
        | {"ResponseGeneratorFunctionArn": "generator-arn", "S3WriterFunctionArn": "writer-arn"}
    )
    clock = clock or Clock()
    return LocalStateMachine(definition, fake.resources(), clock=clock, sleep=clock.sleep)


EXECUTION_INPUT = {
    "ticket": {
        "eventName": "TicketSubmitted",
        "ticketId": "T-1",
        "submittedAt": "2025-03-04T09:59:00Z",
        "data": {
            "subject": "Subject",
            "description": "Body",
            "customer_contact_information": {"full_name": "Ada Lovelace"},
            "product_issue_information": {"product": "Amazon S3", "issue_type": "Access"},
        },
    },
    "sentimentText": "Subject\n\nBody",
}


def milestones(fake):
    return [json.loads(record["Data"]) for record in fake.records]


def test_normal_ticket_runs_the_whole_workflow_in_order():
    fake = FakeAws()
    result = machine(fake).run(EXECUTION_INPUT, name="ticket-T-1")

    assert result.status == "SUCCEEDED", result.cause
    assert [m["eventName"] for m in milestones(fake)] == [
        "SentimentScored",
        "ResponseGenerated",
        "TicketStored",
    ]
    assert fake.alerts == [] and fake.dead_letters == []
    assert result.output["stored"] == {
        "bucket": "lake",
        "key": "tickets/2025/03/04/ticket_T-1.json",
        "written": True,
    }
    assert result.output["sentiment"]["Sentiment"] == "NEGATIVE"
    assert "ResponseMetadata" not in result.output["sentiment"]  # ResultSelector applied
    # The S3 writer's processedAt is the execution start, the same on every retry.
    assert fake.writes[0]["processedAt"] == fake.items[0]["Item"]["processed_at"]["S"]
    assert fake.items[0]["Item"]["ticket_id"] == {"S": "T-1"}
    scored = milestones(fake)[0]
    assert scored["eventId"] == "ticket-T-1:SENTIMENT_SCORED"
    assert scored["data"]["score_negative"] == 0.9
    assert fake.records[0]["PartitionKey"] == "T-1"


def test_high_priority_ticket_alerts_and_records_the_escalation():
    fake = FakeAws(priority="HIGH")
    result = machine(fake).run(EXECUTION_INPUT, name="ticket-T-1")

    assert result.status == "SUCCEEDED"
    assert len(fake.alerts) == 1
    alert = fake.alerts[0]
    assert alert["Subject"] == "HIGH priority support ticket T-1"
    assert alert["MessageAttributes"]["ticket_id"] == {"DataType": "String", "StringValue": "T-1"}
    assert "Amazon S3 / Access" in alert["Message"] and "Ada Lovelace" in alert["Message"]
    assert milestones(fake)[-1]["eventName"] == "TicketEscalated"


def test_transient_errors_are_retried_with_backoff():
    fake = FakeAws(generator_errors=[StatesError("Lambda.TooManyRequestsException")] * 2)
    clock = Clock()
    result = machine(fake, clock).run(EXECUTION_INPUT, name="ticket-T-1")

    assert result.status == "SUCCEEDED"
    assert result.attempts["GenerateResponse"] == 3


def test_invalid_ticket_is_not_retried_and_goes_to_the_dead_letter_queue():
    class InvalidTicketError(Exception):
        pass

    fake = FakeAws(generator_errors=[InvalidTicketError("no product")])
    result = machine(fake).run(EXECUTION_INPUT, name="ticket-T-1")

    assert result.status == "FAILED" and result.error == "TicketProcessingFailed"
    assert result.attempts["GenerateResponse"] == 1
    failed = milestones(fake)[-1]
    assert failed["eventName"] == "TicketProcessingFailed"
    assert failed["data"]["error"] == "InvalidTicketError"
    assert "no product" in failed["data"]["cause"]
    kept = json.loads(fake.dead_letters[0]["MessageBody"])
    assert kept["ticket"]["ticketId"] == "T-1" and kept["error"]["Error"] == "InvalidTicketError"


def test_retries_give_up_after_max_attempts_then_fail_the_ticket():
    fake = FakeAws(generator_errors=[StatesError("Lambda.ServiceException")] * 10)
    result = machine(fake).run(EXECUTION_INPUT, name="ticket-T-1")

    assert result.status == "FAILED"
    assert result.attempts["GenerateResponse"] == 5  # the first try and 4 retries
    assert "SendToDeadLetterQueue" in result.visited


def test_an_incomplete_input_fails_the_ticket_into_the_dead_letter_queue():
    """A missing JSONPath would be States.Runtime, which no Catch catches: the workflow checks its
    input first, so the ticket is reported failed and kept like any other failure."""
    fake = FakeAws()
    broken = {**EXECUTION_INPUT}
    del broken["sentimentText"]
    result = machine(fake).run(broken, name="ticket-T-1")

    assert result.status == "FAILED" and result.error == "TicketProcessingFailed"
    assert "DetectSentiment" not in result.visited
    failed = milestones(fake)[-1]
    assert failed["eventName"] == "TicketProcessingFailed" and failed["ticketId"] == "T-1"
    assert failed["data"]["error"] == "InvalidExecutionInput"
    assert "$.sentimentText" in failed["data"]["cause"]
    kept = json.loads(fake.dead_letters[0]["MessageBody"])
    assert kept["ticket"]["ticketId"] == "T-1"


@pytest.mark.parametrize(
    "path",
    [
        ("ticket", "submittedAt"),
        ("ticket", "data", "subject"),
        ("ticket", "data", "customer_contact_information", "full_name"),
        ("ticket", "data", "product_issue_information", "product"),
        ("ticket", "data", "product_issue_information", "issue_type"),
    ],
)
def test_every_input_path_the_workflow_reads_is_checked(path):
    fake = FakeAws(priority="HIGH")  # the alert reads the customer's name
    broken = json.loads(json.dumps(EXECUTION_INPUT))
    parent = broken
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]
    result = machine(fake).run(broken, name="ticket-T-1")

    assert result.status == "FAILED" and result.error == "TicketProcessingFailed"
    assert milestones(fake)[-1]["data"]["error"] == "InvalidExecutionInput"
    assert len(fake.dead_letters) == 1


def test_an_input_without_a_ticket_id_still_reaches_the_dead_letter_queue():
    fake = FakeAws()
    broken = json.loads(json.dumps(EXECUTION_INPUT))
    del broken["ticket"]["ticketId"]
    result = machine(fake).run(broken, name="ticket-T-1")

    assert result.status == "FAILED" and result.error == "TicketProcessingFailed"
    assert fake.records == []  # no event can name the ticket
    (message,) = fake.dead_letters
    assert message["MessageAttributes"] == {
        "execution_name": {"DataType": "String", "StringValue": "ticket-T-1"}
    }
    assert json.loads(message["MessageBody"])["error"]["Error"] == "InvalidExecutionInput"


def test_a_failure_without_a_cause_is_reported_with_an_empty_one():
    fake = FakeAws()
    definition = machine(fake).definition
    from_failure = LocalStateMachine({**definition, "StartAt": "CheckFailure"}, fake.resources())
    state = {**EXECUTION_INPUT, "error": {"Error": "States.Timeout"}}
    result = from_failure.run(state, name="ticket-T-1")

    assert result.status == "FAILED" and "AddEmptyCause" in result.visited
    assert milestones(fake)[-1]["data"] == {"error": "States.Timeout", "cause": ""}
    assert len(fake.dead_letters) == 1


def test_every_catch_goes_through_the_failure_guard():
    definition = machine(FakeAws()).definition

    def catches(states):
        for state in states.values():
            yield from state.get("Catch", [])
            for branch in state.get("Branches", []):
                yield from catches(branch["States"])

    targets = {catch["Next"] for catch in catches(definition["States"])}
    assert targets == {"CheckFailure", "SendToDeadLetterQueue", "Failed"}
    assert definition["StartAt"] == "CheckInput"


def test_a_missing_path_is_a_runtime_error_that_no_catch_hides():
    """The interpreter keeps AWS's rule the guards above exist for."""
    definition = {
        "StartAt": "Read",
        "States": {
            "Read": {
                "Type": "Task",
                "Resource": "echo",
                "Parameters": {"value.$": "$.missing"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Succeed"},
        },
    }
    result = LocalStateMachine(definition, {"echo": lambda p: p}).run({}, name="e")
    assert result.status == "FAILED" and result.error == "States.Runtime"
    assert "missing" in result.cause and "Caught" not in result.visited


def test_paths_and_intrinsics():
    data = {"a": {"b": [1, {"c": "x"}]}, "name": "n"}
    context = {"Execution": {"Name": "e"}}
    assert read_path(data, "$.a.b[1].c", context) == "x"
    assert read_path(data, "$$.Execution.Name", context) == "e"
    assert write_path(data, "$.a.d", 5)["a"] == {"b": [1, {"c": "x"}], "d": 5}
    assert write_path(data, None, 5) is data
    assert evaluate_intrinsic("States.Format('{}:{}', $.name, 'X')", data, context) == "n:X"
    assert evaluate_intrinsic("States.JsonToString($.a.b)", data, context) == '[1,{"c":"x"}]'
    assert evaluate_intrinsic("States.Format('it\\'s {}', $.a.b[0])", data, context) == "it's 1"
    with pytest.raises(StatesError, match="placeholder"):
        evaluate_intrinsic("States.Format('{}', $.name, $.name)", data, context)


def test_iso_timestamp_is_step_functions_format():
    moment = datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    assert iso_timestamp(moment) == "2025-01-02T03:04:05.678Z"
