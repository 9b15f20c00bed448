"""The ticket workflow's Amazon States Language definition: one file, used by the CDK stack (with
``definition_substitutions``) and by the offline simulator's interpreter alike."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

DEFINITION_PATH = Path(__file__).with_name("ticket_workflow.asl.json")
SUBSTITUTIONS = (
    "ResponseGeneratorFunctionArn",
    "S3WriterFunctionArn",
    "TicketTableName",
    "TicketStreamName",
    "AlertTopicArn",
    "DeadLetterQueueUrl",
)
_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def definition_text() -> str:
    return DEFINITION_PATH.read_text(encoding="utf-8")


def render_definition(values: dict[str, str]) -> dict[str, Any]:
    """The definition with every ``${Name}`` replaced; a missing or unknown name is an error."""
    text = definition_text()
    used = set(_PLACEHOLDER.findall(text))
    missing = used - set(values)
    unknown = set(values) - set(SUBSTITUTIONS)
    if missing or unknown:
        raise ValueError(
            f"workflow substitutions: missing {sorted(missing) or 'none'}, "
            f"unknown {sorted(unknown) or 'none'}"
        )
    rendered = _PLACEHOLDER.sub(lambda m: json.dumps(values[m[1]])[1:-1], text)
    return json.loads(rendered)
