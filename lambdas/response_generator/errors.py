"""Errors of the response generator, by what the workflow should do about them.

``InvalidTicketError`` (from the contract) is input that can never succeed: not retried. The rest
are retried by the workflow: the Step Functions error name is the class name.
"""

from ticket_platform.contracts import InvalidTicketError


class BedrockUnavailableError(RuntimeError):
    """Bedrock throttled or failed (429 / 5xx / timeouts) after botocore's own retries."""


class BedrockRequestError(RuntimeError):
    """Bedrock refused the request (access, model id, validation): a configuration problem."""


class ResponseValidationError(ValueError):
    """The model's output is not a valid response (schema, priority, or house style)."""


class ConfigurationError(ValueError):
    """The function's environment is wrong (for instance an unknown ``PROMPT_VERSION``)."""


__all__ = [
    "BedrockRequestError",
    "BedrockUnavailableError",
    "ConfigurationError",
    "InvalidTicketError",
    "ResponseValidationError",
]
