"""An EventBridge Schemas registry of the ticket stream's events, generated from the contract.

One ``JSONSchemaDraft4`` schema per ``EventName``: ``TicketSubmitted`` from
``TicketSubmittedEvent``, every other event from the ``LifecycleEvent`` envelope with its
``eventName`` and ``source`` pinned and its ``data`` replaced by the schema of its model in
``DATA_MODELS`` (``ticket_platform/contracts/events.py``). The schemas are built from pydantic's
JSON Schema (draft 2020-12) and converted to draft 4, the dialect EventBridge Schemas reads:
``$defs`` → ``definitions``, ``const`` → a one-value ``enum``, numeric ``exclusiveMinimum`` /
``exclusiveMaximum`` → draft 4's boolean form, ``examples`` dropped.

The registry documents the stream for producers and consumers (code bindings, the console's
schema browser); it validates nothing at run time: the consumers check every record against the
pydantic contract itself, which is also what pydantic's lax mode accepts beyond the schema (a
rating sent as the string ``"5"``, for instance).
"""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import aws_eventschemas as eventschemas
from constructs import Construct

from ticket_platform.contracts import (
    DATA_MODELS,
    WORKFLOW_EVENTS,
    EventName,
    EventSource,
    LifecycleEvent,
    TicketSubmittedEvent,
)

DRAFT4 = "http://json-schema.org/draft-04/schema#"
SCHEMA_TYPE = "JSONSchemaDraft4"
SCHEMA_NAME_PREFIX = "ticket-platform@"
_DROPPED_KEYWORDS = frozenset({"examples", "deprecated", "readOnly", "writeOnly"})
_SCHEMA_MAPS = frozenset({"properties", "definitions", "patternProperties"})


def draft4(schema: dict[str, Any]) -> dict[str, Any]:
    """pydantic's JSON Schema (draft 2020-12) as JSON Schema draft 4."""
    return _convert(schema)


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED_KEYWORDS:
            continue
        if key == "$defs":
            key = "definitions"
        if key == "$ref":
            out[key] = value.replace("#/$defs/", "#/definitions/")
        elif key == "const":
            out["enum"] = [value]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            out[bound], out[key] = value, True
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _convert(child) for name, child in value.items()}
        else:
            out[key] = _convert(value)
    return out


def event_schema(name: EventName | str) -> dict[str, Any]:
    """The draft-4 JSON Schema of one event of the ticket stream."""
    name = EventName(name)
    if name == EventName.TICKET_SUBMITTED:
        schema = TicketSubmittedEvent.model_json_schema()
        schema["properties"]["eventName"] = {"type": "string", "enum": [str(name)]}
        schema["title"] = str(name)
        return _finish(schema)
    envelope = LifecycleEvent.model_json_schema()
    envelope.pop("$defs", None)  # EventName and EventSource: pinned below
    data = DATA_MODELS[name].model_json_schema()
    definitions = data.pop("$defs", {})
    source = EventSource.WORKFLOW if name in WORKFLOW_EVENTS else EventSource.HELPDESK
    envelope["properties"]["eventName"] = {"type": "string", "enum": [str(name)]}
    envelope["properties"]["source"] = {"type": "string", "enum": [str(source)]}
    envelope["properties"]["data"] = data
    if data.get("required"):
        envelope["required"] = [*envelope["required"], "data"]
    envelope["title"] = str(name)
    if definitions:
        envelope["$defs"] = definitions
    return _finish(envelope)


def _finish(schema: dict[str, Any]) -> dict[str, Any]:
    converted = draft4(schema)
    return {"$schema": DRAFT4, **converted}


def stream_event_schemas() -> dict[str, dict[str, Any]]:
    """``{event name: draft-4 schema}`` for every ``EventName``."""
    return {str(name): event_schema(name) for name in EventName}


class EventSchemas(Construct):
    """The registry and one schema per event name (``ticket-platform@<EventName>``)."""

    def __init__(self, scope: Construct, construct_id: str, *, registry_name: str) -> None:
        super().__init__(scope, construct_id)
        self.registry = eventschemas.CfnRegistry(
            self,
            "Registry",
            registry_name=registry_name,
            description="Events of the ticket Kinesis stream, generated from the pydantic "
            "contract (ticket_platform/contracts)",
        )
        self.schemas: dict[str, eventschemas.CfnSchema] = {}
        for name, schema in stream_event_schemas().items():
            self.schemas[name] = eventschemas.CfnSchema(
                self,
                name,
                registry_name=self.registry.attr_registry_name,
                schema_name=f"{SCHEMA_NAME_PREFIX}{name}",
                type=SCHEMA_TYPE,
                content=json.dumps(schema, sort_keys=True),
                description=f"{name} on the ticket stream (camelCase JSON)",
            )
