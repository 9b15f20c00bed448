"""A real ``bedrock-runtime`` client behind a botocore Stubber, for tests of Bedrock callers."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

REGION = "us-east-1"


def converse_response(
    content: list[dict[str, Any]], usage: tuple[int, int] = (812, 240)
) -> dict[str, Any]:
    """A Converse API reply with ``content`` blocks and the given (input, output) token usage."""
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": "tool_use",
        "usage": {"inputTokens": usage[0], "outputTokens": usage[1], "totalTokens": sum(usage)},
        "metrics": {"latencyMs": 2310},
    }


def tool_use(arguments: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The content of a reply that calls tool ``name`` with ``arguments``."""
    return [{"toolUse": {"toolUseId": "tooluse_1", "name": name, "input": arguments}}]


class StubbedBedrock:
    """The client, its Stubber, and every Converse request's parameters in ``requests``."""

    def __init__(self, region: str = REGION) -> None:
        self.client = boto3.client("bedrock-runtime", region_name=region)
        self.stubber = Stubber(self.client)
        self.requests: list[dict[str, Any]] = []
        self.client.meta.events.register(
            "provide-client-params.bedrock-runtime.Converse",
            lambda params, **_: self.requests.append(params),
        )
