"""Lambda entry point of response_generator (a task of the ticket workflow).

Environment: ``BEDROCK_MODEL_ID`` (default ``us.amazon.nova-pro-v1:0``), ``BEDROCK_TEMPERATURE``
(0.2), ``PROMPT_VERSION`` (default ``prompt.PROMPT_VERSION``), ``BEDROCK_REGION`` (default the
function's region). Input ``{"ticket", "sentiment"}``; returns ``$.response``.
"""

import functools
import logging
import os
import time
from typing import Any

import boto3
import orjson
from botocore.config import Config

from lambdas.common.kinesis import configure_logging
from lambdas.response_generator.bedrock import (
    DEFAULT_MODEL_ID,
    DEFAULT_TEMPERATURE,
    BedrockResponder,
    chat_model,
)
from lambdas.response_generator.errors import ConfigurationError
from lambdas.response_generator.generator import generate_response
from lambdas.response_generator.prompt import get_prompt

logger = logging.getLogger(__name__)

# Standard retry mode backs off on throttling and 5xx; keep attempts x read timeout well under
# the function's timeout, the workflow retries the whole task after that.
_CLIENT_CONFIG = Config(
    connect_timeout=5, read_timeout=60, retries={"mode": "standard", "max_attempts": 3}
)


@functools.cache
def responder_from_environment() -> BedrockResponder:
    """One responder (and Bedrock client) per container, configured from the environment."""
    model_id = os.environ.get("BEDROCK_MODEL_ID") or DEFAULT_MODEL_ID
    try:
        temperature = float(os.environ.get("BEDROCK_TEMPERATURE") or DEFAULT_TEMPERATURE)
    except ValueError as error:
        raise ConfigurationError(f"BEDROCK_TEMPERATURE is not a number: {error}") from error
    region = os.environ.get("BEDROCK_REGION") or os.environ.get("AWS_REGION") or "us-east-1"
    prompt = get_prompt(os.environ.get("PROMPT_VERSION"))
    client = boto3.client("bedrock-runtime", region_name=region, config=_CLIENT_CONFIG)
    return BedrockResponder(chat_model(client, model_id, temperature, region), prompt)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Generate the customer response and priority of the ticket in ``event``."""
    configure_logging()
    started = time.perf_counter()
    ticket_id = _ticket_id(event)
    try:
        response = generate_response(event, responder_from_environment())
    except Exception as error:
        _log(
            logging.ERROR,
            "response_failed",
            ticket_id=ticket_id,
            error=type(error).__name__,
            detail=str(error)[:1000],
        )
        raise
    _log(
        logging.INFO,
        "response_generated",
        ticket_id=ticket_id,
        priority=response["priority"],
        model_id=response["model_id"],
        prompt_version=response["prompt_version"],
        duration_ms=round((time.perf_counter() - started) * 1000),
    )
    return response


def _ticket_id(event: Any) -> Any:
    ticket = event.get("ticket") if isinstance(event, dict) else None
    return ticket.get("ticketId") if isinstance(ticket, dict) else None


def _log(level: int, message: str, **fields: Any) -> None:
    logger.log(level, orjson.dumps({"message": message, **fields}, default=str).decode())
