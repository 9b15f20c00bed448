"""Lambda entry point of trigger_sfn (Kinesis batch, ``ReportBatchItemFailures``).

Environment: ``STATE_MACHINE_ARN``. Returns ``{"batchItemFailures": [{"itemIdentifier": seq}]}``.
"""

import functools
import logging
import os
from typing import Any

import boto3
from botocore.config import Config

from lambdas.common.kinesis import kinesis_records
from lambdas.trigger_sfn.starter import log_report, start_executions

logging.getLogger().setLevel(os.environ.get("LOG_LEVEL", "INFO"))


@functools.cache
def _sfn_client() -> Any:
    """One Step Functions client per container (botocore's standard retries on throttling)."""
    return boto3.client("stepfunctions", config=Config(retries={"mode": "standard"}))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Start one workflow execution per ``TicketSubmitted`` record of the batch."""
    state_machine_arn = os.environ["STATE_MACHINE_ARN"]
    report = start_executions(kinesis_records(event), _sfn_client(), state_machine_arn)
    log_report(report)
    return report.response()
