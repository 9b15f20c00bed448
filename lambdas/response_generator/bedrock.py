"""The Bedrock responder: ChatBedrockConverse with structured output (a forced tool call).

Transient failures (throttling, 5xx, timeouts) are retried by botocore inside the call (the
handler's client is configured for it); what is left after those retries is raised as
``BedrockUnavailableError`` and the workflow retries the task with backoff.
"""

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from langchain_aws import ChatBedrockConverse
from langchain_core.exceptions import OutputParserException
from pydantic import ValidationError

from lambdas.response_generator.errors import (
    BedrockRequestError,
    BedrockUnavailableError,
    ResponseValidationError,
)
from lambdas.response_generator.models import GeneratedResponse, TicketResponse
from lambdas.response_generator.prompt import PromptTemplate
from ticket_platform.contracts import SentimentResult, TicketSubmittedEvent
from ticket_platform.contracts.bedrock import describe_client_error

DEFAULT_MODEL_ID = "us.amazon.nova-pro-v1:0"
DEFAULT_TEMPERATURE = 0.2
MAX_TOKENS = 1_500


def chat_model(
    client: Any, model_id: str, temperature: float, region_name: str
) -> ChatBedrockConverse:
    """The chat model over a ``bedrock-runtime`` client (which carries retries and timeouts)."""
    return ChatBedrockConverse(
        model=model_id,
        temperature=temperature,
        max_tokens=MAX_TOKENS,
        region_name=region_name,
        client=client,
    )


class BedrockResponder:
    """Responder that asks a Bedrock model (Converse API) through langchain-aws."""

    def __init__(self, model: ChatBedrockConverse, prompt: PromptTemplate) -> None:
        self.model_id = model.model_id
        self.prompt = prompt
        self._structured = model.with_structured_output(TicketResponse)

    def respond(
        self, ticket: TicketSubmittedEvent, sentiment: SentimentResult
    ) -> GeneratedResponse:
        """The response to ``ticket``; raises the errors of ``errors`` on failure."""
        messages = self.prompt.messages(ticket, sentiment)
        try:
            draft = self._structured.invoke(messages)
        except ClientError as error:
            raise _client_error(error) from error
        except BotoCoreError as error:  # timeouts, connection errors after retries
            raise BedrockUnavailableError(f"Bedrock call failed: {error}") from error
        except (ValidationError, OutputParserException) as error:
            raise ResponseValidationError(
                f"model output does not match TicketResponse: {_short(error)}"
            ) from error
        if not isinstance(draft, TicketResponse):
            raise ResponseValidationError(
                "the model answered without calling the TicketResponse tool"
            )
        try:
            return GeneratedResponse(
                **draft.model_dump(), model_id=self.model_id, prompt_version=self.prompt.version
            )
        except ValidationError as error:
            raise ResponseValidationError(f"model output rejected: {_short(error)}") from error


def _client_error(error: ClientError) -> Exception:
    transient, message = describe_client_error(error)
    return BedrockUnavailableError(message) if transient else BedrockRequestError(message)


def _short(error: Exception, limit: int = 500) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[:limit] + "…"
