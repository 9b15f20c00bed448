"""Lambda entry point of status_recorder (Kinesis batch, ``ReportBatchItemFailures``).

Environment: ``TICKET_TABLE``. Returns ``{"batchItemFailures": [{"itemIdentifier": seq}]}``.
"""

import functools
import logging
import os
from typing import Any

import boto3
from botocore.config import Config

from lambdas.common.kinesis import configure_logging, kinesis_records, log_report
from lambdas.status_recorder.recorder import record_events
from lambdas.status_recorder.store import DynamoLifecycleStore

logger = logging.getLogger(__name__)


@functools.cache
def _store() -> DynamoLifecycleStore:
    """One DynamoDB table resource per container (botocore's standard retries)."""
    resource = boto3.resource("dynamodb", config=Config(retries={"mode": "standard"}))
    return DynamoLifecycleStore(resource.Table(os.environ["TICKET_TABLE"]))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Append every event of the batch to the ticket's lifecycle history."""
    configure_logging()
    report = record_events(kinesis_records(event), _store())
    log_report(logger, report)
    return report.response()
