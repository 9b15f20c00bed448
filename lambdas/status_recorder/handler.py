"""Lambda entry point of status_recorder (Kinesis batch, ``ReportBatchItemFailures``).

Environment: ``TICKET_TABLE``. Returns ``{"batchItemFailures": [{"itemIdentifier": seq}]}``.
"""

import functools
import logging
import os
from typing import Any

import boto3
from botocore.config import Config

from lambdas.common.kinesis import kinesis_records
from lambdas.status_recorder.recorder import log_report, record_events
from lambdas.status_recorder.store import DynamoLifecycleStore

logging.getLogger().setLevel(os.environ.get("LOG_LEVEL", "INFO"))


@functools.cache
def _store() -> DynamoLifecycleStore:
    """One DynamoDB table resource per container (botocore's standard retries)."""
    resource = boto3.resource("dynamodb", config=Config(retries={"mode": "standard"}))
    return DynamoLifecycleStore(resource.Table(os.environ["TICKET_TABLE"]))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Append every event of the batch to the ticket's lifecycle history."""
    report = record_events(kinesis_records(event), _store())
    log_report(report)
    return report.response()
