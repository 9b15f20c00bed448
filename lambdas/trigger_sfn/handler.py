"""Lambda entry point of trigger_sfn (Kinesis batch, ``ReportBatchItemFailures``).

Environment: ``STATE_MACHINE_ARN``. Returns ``{"batchItemFailures": [{"itemIdentifier": seq}]}``.
"""

import functools
import logging
import os
from typing import Any

import boto3
from botocore.config import Config

from lambdas.common.kinesis import configure_logging, kinesis_records, log_report
from lambdas.trigger_sfn.starter import start_executions

logger = logging.getLogger(__name__)


@functools.cache
def _sfn_client() -> Any:
    """One Step Functions client per container (botocore's standard retries on throttling)."""
    return boto3.client("stepfunctions", config=Config(retries={"mode": "standard"}))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Start one workflow execution per ``TicketSubmitted`` record of the batch."""
    configure_logging()
    state_machine_arn = os.environ["STATE_MACHINE_ARN"]
    report = start_executions(kinesis_records(event), _sfn_client(), state_machine_arn)
    log_report(logger, report)
    return report.response()
