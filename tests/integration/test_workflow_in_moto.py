"""The workflow's real ASL definition, executed by moto's Step Functions engine.

Kinesis, Comprehend, DynamoDB, SNS and SQS are moto's; the two Lambda tasks are routed in-process
to the project's handlers (moto would need Docker to run them). The ticket enters through the
``trigger_sfn`` handler, as a Kinesis record, and leaves as a contract-valid ticket JSON in S3.
"""

import base64
import json
import re
import time
from datetime import UTC

import boto3
import orjson
import pytest
from moto import mock_aws
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

from lambdas.response_generator.generator import generate_response
from lambdas.workflow import render_definition
from ticket_platform.contracts import ProcessedTicket
from ticket_platform_demo.simulator.asl import StatesError, read_path
from ticket_platform_demo.simulator.responder import TemplateResponder

REGION = "us-east-1"
TICKET = {
    "eventName": "TicketSubmitted",
    "ticketId": "TKT-20250304-MOTO0001",
    "submittedAt": "2025-03-04T09:15:00+01:00",
    "data": {
        "subject": "Production database unreachable",
        "description": "Our Amazon RDS instance has been down for an hour. Production is "
        "blocked and customers cannot log in.",
        "customer_contact_information": {
            "first_name": "Grace",
            "last_name": "Hopper",
            "full_name": "Grace Hopper",
            "email": "grace@example.com",
            "company": "Navy Labs",
        },
        "product_issue_information": {"product": "Amazon RDS", "issue_type": "Database Connection"},
    },
}


def kinesis_event(*payloads: dict) -> dict:
    return {
        "Records": [
            {
                "kinesis": {
                    "sequenceNumber": str(number),
                    "data": base64.b64encode(orjson.dumps(payload)).decode(),
                },
                "eventSource": "aws:kinesis",
            }
            for number, payload in enumerate(payloads, start=1)
        ]
    }


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        yield


def deploy(monkeypatch) -> dict:
    """The resources the CDK stack would create, in moto, and the state machine on top."""
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="ticket-lake")
    kinesis = boto3.client("kinesis", region_name=REGION)
    kinesis.create_stream(StreamName="ticket-stream", ShardCount=1)
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName="tickets",
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
    topic = boto3.client("sns", region_name=REGION).create_topic(Name="alerts")["TopicArn"]
    queue = boto3.client("sqs", region_name=REGION).create_queue(QueueName="dlq")["QueueUrl"]
    definition = render_definition(
        {
            "ResponseGeneratorFunctionArn": "response-generator",
            "S3WriterFunctionArn": "s3-writer",
            "TicketTableName": "tickets",
            "TicketStreamName": "ticket-stream",
            "AlertTopicArn": topic,
            "DeadLetterQueueUrl": queue,
        }
    )
    sfn = boto3.client("stepfunctions", region_name=REGION)
    machine = sfn.create_state_machine(
        name="ticket-workflow",
        definition=json.dumps(definition),
        roleArn="arn:aws:iam::123456789012:role/ticket-workflow",
    )["stateMachineArn"]
    monkeypatch.setenv("STATE_MACHINE_ARN", machine)
    monkeypatch.setenv("TICKET_BUCKET", "ticket-lake")
    monkeypatch.setenv("RECORD_SOURCE", "realtime")
    return {"machine": machine, "queue": queue}


def route_lambdas_in_process(monkeypatch) -> list[str]:
    """moto's engine calls Lambda's Invoke; answer it with the project's handlers."""
    from lambdas.s3_writer import handler as s3_writer

    invoked: list[str] = []

    def invoke(parameters, region, state_credentials):
        function = parameters["FunctionName"]
        payload = json.loads(parameters["Payload"])
        invoked.append(function)
        if function == "response-generator":
            result = generate_response(payload, TemplateResponder())
        else:
            result = s3_writer.handler(payload, None)
        return {"StatusCode": 200, "Payload": result}

    monkeypatch.setattr(lambda_eval_utils, "_invoke_lambda_function", invoke)
    return invoked


def start_time_as_aws_gives_it(monkeypatch) -> None:
    """AWS hands ``$$.Execution.StartTime`` to tasks as an ISO-8601 string; moto hands over a
    datetime, which its own DynamoDB integration then cannot serialize. Give it the string."""
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    original = ExecutionWorker._get_evaluation_environment

    def with_iso_start_time(self):
        details = self._evaluation_details.execution_details
        started = details.start_time
        details.start_time = started.astimezone(UTC).isoformat(timespec="milliseconds")
        try:
            return original(self)
        finally:
            details.start_time = started

    monkeypatch.setattr(ExecutionWorker, "_get_evaluation_environment", with_iso_start_time)


def reference_paths_as_aws_reads_them(monkeypatch) -> None:
    """A reference path names one node: AWS reads ``$[1].key`` of a Parallel's output as that
    key's value; moto returns it wrapped in a list (its fix for getmoto/moto#7825). Read such
    definite paths the AWS way; leave every other path to moto."""
    from moto.stepfunctions.parser.asl.component.common.string import string_expression
    from moto.stepfunctions.parser.asl.utils.json_path import NoSuchJsonPathError

    original = string_expression.extract_json
    definite = re.compile(r"^\$(\.[A-Za-z_][\w-]*|\[\d+\])*$")

    def extract_json(path: str, data):
        if not definite.match(path):
            return original(path, data)
        try:
            return read_path(data, path, {})
        except StatesError:
            raise NoSuchJsonPathError(json_path=path, data=data) from None

    monkeypatch.setattr(string_expression, "extract_json", extract_json)


def wait_for(sfn, execution_arn: str) -> dict:
    for _ in range(200):
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.05)
    raise AssertionError("the execution did not finish")


def stream_events() -> list[dict]:
    kinesis = boto3.client("kinesis", region_name=REGION)
    shard = kinesis.describe_stream(StreamName="ticket-stream")["StreamDescription"]["Shards"][0]
    iterator = kinesis.get_shard_iterator(
        StreamName="ticket-stream", ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return [json.loads(r["Data"]) for r in kinesis.get_records(ShardIterator=iterator)["Records"]]


def test_ticket_flows_from_kinesis_record_to_contract_valid_s3_json(aws, monkeypatch):
    from lambdas.trigger_sfn import handler as trigger

    resources = deploy(monkeypatch)
    invoked = route_lambdas_in_process(monkeypatch)
    start_time_as_aws_gives_it(monkeypatch)
    reference_paths_as_aws_reads_them(monkeypatch)
    sfn = boto3.client("stepfunctions", region_name=REGION)

    assert trigger.handler(kinesis_event(TICKET), None) == {"batchItemFailures": []}
    (execution,) = sfn.list_executions(stateMachineArn=resources["machine"])["executions"]
    finished = wait_for(sfn, execution["executionArn"])
    assert finished["status"] == "SUCCEEDED", finished.get("cause")
    assert invoked == ["response-generator", "s3-writer"]

    # The ticket: submitted 09:15 +01:00 is 08:15 UTC on the same day.
    key = "tickets/2025/03/04/ticket_TKT-20250304-MOTO0001.json"
    body = boto3.client("s3", region_name=REGION).get_object(Bucket="ticket-lake", Key=key)
    ticket = ProcessedTicket.model_validate_json(body["Body"].read())
    assert ticket.record_source == "realtime"
    assert ticket.product == "Amazon RDS" and ticket.customer_full_name == "Grace Hopper"
    assert ticket.response_text and ticket.priority in ("HIGH", "MEDIUM", "NORMAL")

    output = json.loads(finished["output"])
    assert output["stored"] == {"bucket": "ticket-lake", "key": key, "written": True}
    meta = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName="tickets", Key={"ticket_id": {"S": TICKET["ticketId"]}, "sk": {"S": "META"}}
    )["Item"]
    assert meta["product"] == {"S": "Amazon RDS"}
    assert meta["priority"] == {"S": ticket.priority}

    milestones = [e["eventName"] for e in stream_events()]
    assert milestones[:3] == ["SentimentScored", "ResponseGenerated", "TicketStored"]
    assert ("TicketEscalated" in milestones) == (ticket.priority == "HIGH")


def test_a_redelivered_record_starts_no_second_execution(aws, monkeypatch):
    from lambdas.trigger_sfn import handler as trigger

    resources = deploy(monkeypatch)
    route_lambdas_in_process(monkeypatch)
    start_time_as_aws_gives_it(monkeypatch)
    reference_paths_as_aws_reads_them(monkeypatch)
    sfn = boto3.client("stepfunctions", region_name=REGION)

    trigger.handler(kinesis_event(TICKET), None)
    (execution,) = sfn.list_executions(stateMachineArn=resources["machine"])["executions"]
    wait_for(sfn, execution["executionArn"])
    # Kinesis delivers the same record again (a retried batch, a restarted consumer).
    assert trigger.handler(kinesis_event(TICKET), None) == {"batchItemFailures": []}

    assert len(sfn.list_executions(stateMachineArn=resources["machine"])["executions"]) == 1


def test_an_incomplete_input_reaches_the_dead_letter_queue(aws, monkeypatch):
    """An execution started by hand (or replayed) without ``sentimentText``: without the input
    check, the missing path is States.Runtime, which no Catch catches, and the ticket is lost."""
    resources = deploy(monkeypatch)
    invoked = route_lambdas_in_process(monkeypatch)
    start_time_as_aws_gives_it(monkeypatch)
    reference_paths_as_aws_reads_them(monkeypatch)
    sfn = boto3.client("stepfunctions", region_name=REGION)

    started = sfn.start_execution(
        stateMachineArn=resources["machine"],
        name="ticket-incomplete",
        input=json.dumps({"ticket": TICKET}),
    )
    finished = wait_for(sfn, started["executionArn"])

    assert finished["status"] == "FAILED" and finished["error"] == "TicketProcessingFailed"
    assert invoked == []
    (failed,) = stream_events()
    assert failed["eventName"] == "TicketProcessingFailed"
    assert failed["data"]["error"] == "InvalidExecutionInput"
    sqs = boto3.client("sqs", region_name=REGION)
    (message,) = sqs.receive_message(QueueUrl=resources["queue"], MaxNumberOfMessages=10)[
        "Messages"
    ]
    kept = json.loads(message["Body"])
    assert kept["ticket"]["ticketId"] == TICKET["ticketId"]
