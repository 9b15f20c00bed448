"""The response generator's core: validate the task input, ask a responder, return ``$.response``."""

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from lambdas.response_generator.models import Responder
from ticket_platform.contracts import InvalidTicketError, SentimentResult, TicketSubmittedEvent


def parse_task_input(payload: Mapping[str, Any]) -> tuple[TicketSubmittedEvent, SentimentResult]:
    """The ticket and its sentiment from ``{"ticket", "sentiment"}``; ``InvalidTicketError`` if
    either is missing or breaks the contract."""
    if not isinstance(payload, Mapping):
        raise InvalidTicketError(f"task input must be an object, got {type(payload).__name__}")
    try:
        ticket = TicketSubmittedEvent.model_validate(payload.get("ticket"))
        sentiment = SentimentResult.model_validate(payload.get("sentiment"))
    except ValidationError as error:
        raise InvalidTicketError(_describe(error)) from error
    return ticket, sentiment


def generate_response(payload: Mapping[str, Any], responder: Responder) -> dict[str, Any]:
    """``{"response_text", "priority", "priority_reasoning", "model_id", "prompt_version"}``."""
    ticket, sentiment = parse_task_input(payload)
    return responder.respond(ticket, sentiment).model_dump(mode="json")


def _describe(error: ValidationError, limit: int = 3) -> str:
    parts = [
        f"{error.title}: {'.'.join(str(p) for p in item['loc']) or 'input'}: {item['msg']}"
        for item in error.errors(include_url=False)[:limit]
    ]
    return "invalid task input: " + "; ".join(parts)
