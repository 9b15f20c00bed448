"""How a Bedrock failure is told apart: worth retrying (throttling, a busy or failing service) or
not (a bad request). Shared by the response generator Lambda and the batch judge, so both retry
the same errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # botocore is only a type here: the package stays light for the Lambdas
    from botocore.exceptions import ClientError

TRANSIENT_CODES = frozenset(
    {
        "ThrottlingException",
        "TooManyRequestsException",
        "ServiceUnavailableException",
        "InternalServerException",
        "ModelNotReadyException",
        "ModelTimeoutException",
        "RequestTimeout",
    }
)


def describe_client_error(error: ClientError) -> tuple[bool, str]:
    """Whether a Bedrock ``ClientError`` is worth retrying (throttling, 429, 5xx), and a message."""
    code = error.response.get("Error", {}).get("Code", "")
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    message = error.response.get("Error", {}).get("Message", str(error))
    transient = code in TRANSIENT_CODES or status == 429 or status >= 500
    return transient, f"{code or status}: {message}"
