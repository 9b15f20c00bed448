"""``ticket-platform simulate``: the real-time path, offline, fed by generated tickets.

Each generated ``TicketSubmitted`` event goes through the code that runs in AWS, in the same
order: the record is put on a (local) stream whose consumers are the ``status_recorder`` and
``trigger_sfn`` handlers' cores and a Firehose stand-in; ``trigger_sfn`` starts the workflow,
whose own ASL definition runs in a local interpreter with these task backends:

==========================  =============================================================
Comprehend DetectSentiment  ``LexiconSentimentAnalyzer`` (vaderSentiment, tuned to support)
response_generator Lambda   the handler's ``generate_response`` with ``TemplateResponder``
                            (or Bedrock through ``BedrockResponder`` when asked)
s3_writer Lambda            the handler's ``write_ticket`` on the landing zone
DynamoDB / SNS / SQS        ``SqliteTicketTable`` (``lifecycle.sqlite`` beside the data)
Kinesis PutRecord           the same local stream (milestones reach the recorder and lake)
==========================  =============================================================

Afterwards the help desk model (``helpdesk.py``) adds each ticket's later events to the stream:
assignment and reassignment, the agents' and the requester's replies, internal notes, status
changes (pending, on hold, open), solves, reopens and ratings, with delays that grow with the
team's load (its open tickets among those simulated so far). Records say what made them:
tickets carry ``record_source = "simulated"`` and the responder's ``model_id``; milestones name
the backends.
Everything runs in simulated time, so the output is deterministic for a seed.
"""

from __future__ import annotations

import base64
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any

from lambdas.common.kinesis import KinesisRecord
from lambdas.response_generator.generator import Responder, generate_response
from lambdas.s3_writer.writer import write_ticket
from lambdas.status_recorder.recorder import record_events
from lambdas.trigger_sfn.starter import start_executions
from lambdas.workflow import render_definition
from ticket_platform.contracts import RecordSource
from ticket_platform.ingest.landing import Landing
from ticket_platform_demo.simulator.asl import ExecutionResult, LocalStateMachine
from ticket_platform_demo.simulator.event_lake import EventLakeWriter, encode_record
from ticket_platform_demo.simulator.helpdesk import HelpDesk
from ticket_platform_demo.simulator.local_aws import (
    LandingTicketStore,
    LocalStepFunctions,
    SimulatedClock,
    SqliteTicketTable,
)

STATE_MACHINE_ARN = "arn:aws:states:local:000000000000:stateMachine:ticket-workflow"
_FUNCTIONS = {
    "ResponseGeneratorFunctionArn": "response-generator",
    "S3WriterFunctionArn": "s3-writer",
}
# Typical latencies in AWS, seconds, so simulated timestamps look like the real path's.
LATENCY = {
    "kinesis_to_execution": 1.2,
    "comprehend": 0.15,
    "response_generator": 3.0,
    "s3_writer": 0.12,
    "service_call": 0.03,
}


@dataclass
class SimulationReport:
    tickets: int = 0
    trigger: Counter[str] = field(default_factory=Counter)
    executions: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    tickets_written: int = 0
    tickets_unchanged: int = 0
    stream_records: int = 0
    stream_events: Counter[str] = field(default_factory=Counter)
    lifecycle: Counter[str] = field(default_factory=Counter)
    priorities: Counter[str] = field(default_factory=Counter)
    sentiments: Counter[str] = field(default_factory=Counter)
    alerts: int = 0
    dead_letters: int = 0
    event_objects: int = 0
    seconds: float = 0.0
    backends: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            name: dict(value) if isinstance(value, Counter) else value
            for name, value in self.__dict__.items()
        }


class Simulator:
    """The real-time path on one machine; ``submit`` runs one ticket through it."""

    def __init__(
        self,
        landing: Landing,
        table: SqliteTicketTable,
        *,
        analyzer: Any,
        responder: Responder,
        seed: int,
        now: datetime,
        run_tag: str,
    ):
        self.landing = landing
        self.table = table
        self.analyzer = analyzer
        self.responder = responder
        self.seed = seed
        self.now = now
        self.report = SimulationReport(
            backends={
                "sentiment": f"{analyzer.name}/{analyzer.version}",
                "responder": f"{responder.model_id} ({responder.prompt_version})",
                "workflow": "lambdas/workflow/ticket_workflow.asl.json in a local ASL interpreter",
            }
        )
        self.events = EventLakeWriter(landing, run_tag=run_tag)
        self.tickets = LandingTicketStore(landing)
        self.definition = render_definition(
            _FUNCTIONS
            | {
                "TicketTableName": "local-ticket-table",
                "TicketStreamName": "local-ticket-stream",
                "AlertTopicArn": "local-alert-topic",
                "DeadLetterQueueUrl": "local-dead-letter-queue",
            }
        )
        self.step_functions = LocalStepFunctions(self._execute)
        self.helpdesk = HelpDesk(seed=seed, now=now)
        self._sequence = 0
        self._clock: SimulatedClock | None = None

    # -- the stream and its consumers -----------------------------------------------------------
    def put_record(self, data: bytes, arrival: datetime) -> str:
        self._sequence += 1
        sequence = f"{self._sequence:020d}"
        self.report.stream_records += 1
        self.events.add(data, arrival)
        record = KinesisRecord(sequence, base64.b64encode(data))
        recorded = record_events([record], self.table, clock=lambda: arrival)
        self.report.lifecycle.update(recorded.counts)
        self.report.stream_events.update(recorded.skipped_events)
        started = start_executions([record], self.step_functions, STATE_MACHINE_ARN)
        self.report.trigger.update(
            {k: v for k, v in started.counts.items() if k not in ("received", "skipped")}
        )
        return sequence

    def submit(self, event: dict[str, Any]) -> ExecutionResult | None:
        """One ticket: submission, workflow, then the help desk's events."""
        self.report.tickets += 1
        submitted_at = datetime.fromisoformat(event["submittedAt"])
        executed = len(self.step_functions.results)
        self.put_record(encode_record(event), submitted_at)
        if len(self.step_functions.results) == executed:
            return None  # not started: invalid or a redelivery
        result = self.step_functions.results[-1]
        self.report.executions[result.status.lower()] += 1
        if result.status != "SUCCEEDED":
            self.report.failures[result.error or "unknown"] += 1
            return result
        output = result.output
        self.report.priorities[output["response"]["priority"]] += 1
        self.report.sentiments[output["sentiment"]["Sentiment"]] += 1
        ticket = {
            "ticket_id": event["ticketId"],
            "priority": output["response"]["priority"],
            "sentiment": output["sentiment"]["Sentiment"],
            "product": event["data"]["product_issue_information"]["product"],
            "submitted_at": submitted_at,
            "processed_at": datetime.fromisoformat(result.start_time),
        }
        for later in self.helpdesk.events(ticket):
            self.put_record(encode_record(later), later["occurredAt"])
        return result

    def flush(self) -> None:
        """Deliver the buffered lake events and commit the table (once per chunk)."""
        self.report.event_objects += len(self.events.flush())
        self.table.commit()

    # -- the workflow ---------------------------------------------------------------------------
    def _execute(self, name: str, execution_input: dict[str, Any]) -> ExecutionResult:
        submitted_at = datetime.fromisoformat(execution_input["ticket"]["submittedAt"])
        self._clock = SimulatedClock(
            submitted_at + timedelta(seconds=LATENCY["kinesis_to_execution"])
        )
        machine = LocalStateMachine(
            self.definition,
            self._resources(),
            clock=self._clock,
            sleep=self._clock.advance,
            seed=zlib.crc32(name.encode()),
        )
        return machine.run(execution_input, name)

    def _resources(self) -> dict[str, Callable[[Any], Any]]:
        return {
            "arn:aws:states:::aws-sdk:comprehend:detectSentiment": self._detect_sentiment,
            "arn:aws:states:::aws-sdk:kinesis:putRecord": self._put_milestone,
            "arn:aws:states:::lambda:invoke": self._invoke,
            "arn:aws:states:::dynamodb:putItem": self._put_item,
            "arn:aws:states:::sns:publish": self._publish,
            "arn:aws:states:::sqs:sendMessage": self._send_to_dead_letter_queue,
        }

    def _detect_sentiment(self, params: dict[str, Any]) -> dict[str, Any]:
        self._clock.advance(LATENCY["comprehend"])
        return self.analyzer.detect_sentiment(params["Text"])

    def _put_milestone(self, params: dict[str, Any]) -> dict[str, Any]:
        self._clock.advance(LATENCY["service_call"])
        sequence = self.put_record(params["Data"].encode(), self._clock())
        return {"SequenceNumber": sequence, "ShardId": "shardId-000000000000"}

    def _invoke(self, params: dict[str, Any]) -> dict[str, Any]:
        function, payload = params["FunctionName"], params["Payload"]
        if function == _FUNCTIONS["ResponseGeneratorFunctionArn"]:
            self._clock.advance(LATENCY["response_generator"])
            return {"StatusCode": 200, "Payload": generate_response(payload, self.responder)}
        if function == _FUNCTIONS["S3WriterFunctionArn"]:
            self._clock.advance(LATENCY["s3_writer"])
            outcome = write_ticket(payload, self.tickets, record_source=RecordSource.SIMULATED)
            if outcome.written:
                self.report.tickets_written += 1
            else:
                self.report.tickets_unchanged += 1
            bucket = getattr(self.landing, "bucket", "local-landing")
            return {
                "StatusCode": 200,
                "Payload": {"bucket": bucket, "key": outcome.key, "written": outcome.written},
            }
        raise ValueError(f"no local function {function!r}")

    def _put_item(self, params: dict[str, Any]) -> dict[str, Any]:
        self._clock.advance(LATENCY["service_call"])
        self.table.put_dynamodb_item(params["Item"])
        return {}

    def _publish(self, params: dict[str, Any]) -> dict[str, Any]:
        self._clock.advance(LATENCY["service_call"])
        ticket_id = params["MessageAttributes"]["ticket_id"]["StringValue"]
        alert_id = f"{ticket_id}:HIGH"
        self.table.add_alert(
            alert_id, ticket_id, params["Subject"], params["Message"], self._clock()
        )
        self.report.alerts += 1
        return {"MessageId": alert_id}

    def _send_to_dead_letter_queue(self, params: dict[str, Any]) -> dict[str, Any]:
        ticket_id = params["MessageAttributes"]["ticket_id"]["StringValue"]
        message_id = f"{ticket_id}:dead-letter"
        self.table.add_dead_letter(message_id, ticket_id, params["MessageBody"], self._clock())
        self.report.dead_letters += 1
        return {"MessageId": message_id}


def submitted_events(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``TicketSubmitted`` events of generated tickets (their processed fields are dropped: the
    workflow computes its own). ``targetSentiment`` keeps the generator's truth."""
    for ticket in records:
        yield {
            "eventName": "TicketSubmitted",
            "ticketId": ticket["ticket_id"],
            "submittedAt": ticket["submitted_at"],
            "targetSentiment": ticket["target_sentiment"],
            "data": {
                "subject": ticket["subject"],
                "description": ticket["description"],
                "customer_contact_information": {
                    "first_name": ticket["customer_first_name"],
                    "last_name": ticket["customer_last_name"],
                    "full_name": ticket["customer_full_name"],
                    "email": ticket["customer_email"],
                    "company": ticket["company"],
                },
                "product_issue_information": {
                    "product": ticket["product"],
                    "issue_type": ticket["issue_type"],
                },
            },
        }


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, clock_time.max, tzinfo=UTC)


def simulate(
    simulator: Simulator,
    events: Iterable[dict[str, Any]],
    *,
    chunk: int = 5_000,
    on_progress: Callable[[int], None] | None = None,
) -> SimulationReport:
    """Run every event through ``simulator``, flushing the lake and table every ``chunk``."""
    started = time.perf_counter()
    for number, event in enumerate(events, start=1):
        simulator.submit(event)
        if number % chunk == 0:
            simulator.flush()
        if on_progress:
            on_progress(number)
    simulator.flush()
    simulator.report.seconds = round(time.perf_counter() - started, 3)
    return simulator.report
