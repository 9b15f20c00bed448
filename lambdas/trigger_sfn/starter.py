"""Start one workflow execution per ``TicketSubmitted`` record of a Kinesis batch.

Outcome of each record:

* ``started`` — ``StartExecution`` succeeded (for a redelivered record whose execution is still
  running with the identical input, Step Functions returns that execution: no second one);
* ``already_started`` — ``ExecutionAlreadyExists``: an execution of that name has finished, or
  ran with another input (the ticket id submitted twice); it counts as success;
* ``skipped`` — any other event name (lifecycle events, unknown names): not this function's job;
* ``invalid`` — bad base64 / JSON / contract, or input Step Functions rejects: logged with the
  reason and *not* retried, since they can never succeed;
* ``failed`` — throttling or any other service error: reported in ``batchItemFailures``.

Kinesis checkpoints a shard in order and redelivers from the lowest failed sequence number, so
processing stops at the first failure: the failed record and every record after it
(``not_attempted``) are reported, and the retry starts there. Records before it are not redone.
"""

import logging
from collections.abc import Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from lambdas.common.kinesis import (
    BatchReport,
    InvalidRecordError,
    KinesisRecord,
    decode_payload,
    log_record,
)
from lambdas.trigger_sfn.execution import execution_input_json, execution_name
from ticket_platform.contracts import EventName, TicketSubmittedEvent

logger = logging.getLogger(__name__)

# StartExecution errors that no retry can fix for this record.
_INPUT_REJECTED = frozenset({"InvalidExecutionInput", "InvalidName"})


def start_executions(
    records: Sequence[KinesisRecord], sfn_client: Any, state_machine_arn: str
) -> BatchReport:
    """Start the workflow for every ``TicketSubmitted`` in ``records`` (see module docstring)."""
    report = BatchReport()
    report.counts["received"] = len(records)
    for position, record in enumerate(records):
        outcome = _process(record, sfn_client, state_machine_arn, report)
        report.counts[outcome] += 1
        if outcome == "failed":
            report.failures = [r.sequence_number for r in records[position:]]
            report.counts["not_attempted"] = len(records) - position - 1
            break
    return report


def _process(
    record: KinesisRecord, sfn_client: Any, state_machine_arn: str, report: BatchReport
) -> str:
    try:
        payload = decode_payload(record)
    except InvalidRecordError as error:
        _log_invalid(record, str(error))
        return "invalid"
    name = payload.get("eventName")
    if name != EventName.TICKET_SUBMITTED:
        report.skipped_events[str(name)] += 1
        return "skipped"
    try:
        event = TicketSubmittedEvent.model_validate(payload)
    except ValidationError as error:
        _log_invalid(record, _describe(error), payload.get("ticketId"))
        return "invalid"
    return _start(record, event, sfn_client, state_machine_arn)


def _start(
    record: KinesisRecord, event: TicketSubmittedEvent, sfn_client: Any, state_machine_arn: str
) -> str:
    name = execution_name(event.ticketId)
    try:
        sfn_client.start_execution(
            stateMachineArn=state_machine_arn, name=name, input=execution_input_json(event)
        )
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "ExecutionAlreadyExists":
            _log("execution_already_exists", record, ticket_id=event.ticketId, execution=name)
            return "already_started"
        if code in _INPUT_REJECTED:
            _log_invalid(record, f"{code}: {error}", event.ticketId)
            return "invalid"
        _log_failed(record, event, code, error)
        return "failed"
    except BotoCoreError as error:
        _log_failed(record, event, type(error).__name__, error)
        return "failed"
    _log("execution_started", record, ticket_id=event.ticketId, execution=name)
    return "started"


def _describe(error: ValidationError, limit: int = 3) -> str:
    parts = [
        f"{'.'.join(str(p) for p in item['loc']) or 'record'}: {item['msg']}"
        for item in error.errors(include_url=False)[:limit]
    ]
    return "; ".join(parts)


def _log_failed(
    record: KinesisRecord, event: TicketSubmittedEvent, code: str, error: Exception
) -> None:
    _log(
        "start_execution_failed",
        record,
        level=logging.WARNING,
        ticket_id=event.ticketId,
        error=code,
        detail=str(error),
    )


def _log_invalid(record: KinesisRecord, reason: str, ticket_id: Any = None) -> None:
    _log("invalid_record", record, level=logging.WARNING, reason=reason, ticket_id=ticket_id)


def _log(message: str, record: KinesisRecord, *, level: int = logging.INFO, **fields: Any) -> None:
    log_record(logger, message, record, level=level, **fields)
