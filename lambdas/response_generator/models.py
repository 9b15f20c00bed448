"""What a responder produces, and the schema the model fills in (its tool's input)."""

from typing import Annotated, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from ticket_platform.contracts import Priority, SentimentResult, TicketSubmittedEvent
from ticket_platform.contracts.style import style_problems

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16_000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]


class TicketResponse(BaseModel):
    """Record the reply to the customer and the ticket's priority. Call this tool exactly once."""

    response_text: str = Field(
        description=(
            "The complete reply to the customer, addressed to them by first name, with 2 to 3 "
            "numbered troubleshooting steps. Plain text, no contractions, no exclamation marks."
        )
    )
    priority: Literal["HIGH", "MEDIUM", "NORMAL"] = Field(
        description="HIGH, MEDIUM or NORMAL, following the priority rules."
    )
    priority_reasoning: str = Field(
        description="One or two sentences naming the signals that decided the priority."
    )


class GeneratedResponse(BaseModel):
    """A response ready for the customer, with its provenance (``$.response`` in the workflow)."""

    model_config = ConfigDict(frozen=True, use_enum_values=True)

    response_text: Text
    priority: Priority
    priority_reasoning: Text
    model_id: Name
    prompt_version: Name

    @field_validator("response_text")
    @classmethod
    def _house_style(cls, value: str) -> str:
        problems = style_problems(value)
        if problems:
            raise ValueError("the response breaks the house style: " + "; ".join(problems))
        return value


class Responder(Protocol):
    """Anything that writes the response to a ticket: Bedrock, or the offline template."""

    def respond(
        self, ticket: TicketSubmittedEvent, sentiment: SentimentResult
    ) -> GeneratedResponse: ...
