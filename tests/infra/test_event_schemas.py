"""The EventBridge Schemas registry of the stream's events: one draft-4 schema per event name,
generated from the pydantic contract, that accepts the events the simulator really emits and
refuses what the contract refuses."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from datetime import date
from typing import Any

import aws_cdk as cdk
import orjson
import pytest
from aws_cdk.assertions import Match, Template
from infra_synth import Synth

from infra_cdk.components.event_schemas import (
    SCHEMA_NAME_PREFIX,
    EventSchemas,
    event_schema,
    stream_event_schemas,
)
from ticket_platform.contracts import EventName, parse_stream_event

jsonschema = pytest.importorskip("jsonschema")

FIRST, LAST = date(2025, 3, 3), date(2025, 3, 5)
FAILED = {
    "eventName": "TicketProcessingFailed",
    "eventId": "T-1:PROCESSING_FAILED",
    "ticketId": "T-1",
    "occurredAt": "2025-03-03T09:00:05Z",
    "source": "workflow",
    "data": {"error": "States.TaskFailed", "cause": "Bedrock throttled"},
}


def validator(name: str) -> Any:
    return jsonschema.Draft4Validator(event_schema(name))


@pytest.fixture(scope="module")
def simulated_events(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """Every record of a small offline simulation (the real path's events), by event name."""
    from ticket_platform.ingest.landing import LocalLanding
    from ticket_platform_demo.simulator.local_aws import SqliteTicketTable
    from ticket_platform_demo.simulator.responder import TemplateResponder
    from ticket_platform_demo.simulator.sentiment import default_analyzer
    from ticket_platform_demo.simulator.simulate import (
        Simulator,
        end_of_day,
        simulate,
        submitted_events,
    )
    from ticket_platform_demo.synthetic import generate_tickets

    folder = tmp_path_factory.mktemp("simulated")
    landing = LocalLanding(folder / "landing")
    table = SqliteTicketTable(folder / "lifecycle.sqlite")
    simulator = Simulator(
        landing,
        table,
        analyzer=default_analyzer(),
        responder=TemplateResponder(),
        seed=5,
        now=end_of_day(LAST),
        run_tag="schemas",
    )
    try:
        simulate(simulator, submitted_events(generate_tickets(150, 5, FIRST, LAST)))
    finally:
        table.close()
    by_name: dict[str, list[dict]] = defaultdict(list)
    for obj in landing.list("events/"):
        for line in gzip.decompress(landing.read(obj.key)).splitlines():
            event = orjson.loads(line)
            by_name[event["eventName"]].append(event)
    by_name["TicketProcessingFailed"].append(FAILED)
    return by_name


# -- the schemas themselves ----------------------------------------------------------------------
def test_every_event_name_has_a_valid_draft4_schema():
    schemas = stream_event_schemas()
    assert set(schemas) == {str(name) for name in EventName}
    for name, schema in schemas.items():
        jsonschema.Draft4Validator.check_schema(schema)
        text = json.dumps(schema)
        assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
        assert '"$defs"' not in text and '"const"' not in text, name
        assert "#/$defs/" not in text, name
        assert schema["properties"]["eventName"]["enum"] == [name]
        assert len(text) < 100_000  # EventBridge Schemas' content limit


def test_the_schemas_accept_every_event_the_simulator_emits(simulated_events):
    assert set(simulated_events) == {str(name) for name in EventName}
    for name, events in simulated_events.items():
        check = validator(name)
        for event in events:
            parse_stream_event(event)  # the contract accepts it ...
            errors = [e.message for e in check.iter_errors(event)]
            assert errors == [], (name, event, errors)  # ... and so does its schema


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("TicketStatusChanged", {"data": {"status": "closed"}}),
        ("TicketStatusChanged", {"data": {}}),
        ("TicketAssigned", {"source": "workflow"}),
        ("SatisfactionRated", {"data": {"rating": 9}}),
        ("TicketReassigned", {"data": {"agent": "Bo", "team": "compute"}}),  # no from_team
        ("AgentReplied", {"eventName": "TicketReassigned"}),
        ("RequesterReplied", {"ticketId": "T 1 with spaces"}),
    ],
)
def test_the_schemas_refuse_what_the_contract_refuses(simulated_events, name, change):
    event = {**simulated_events[name][0], **change}
    with pytest.raises(ValueError):
        parse_stream_event(event)
    assert list(validator(name).iter_errors(event)), event


def test_a_submission_needs_its_ticket_data(simulated_events):
    submitted = simulated_events["TicketSubmitted"][0]
    broken = {**submitted, "data": {**submitted["data"], "product_issue_information": {}}}
    assert list(validator("TicketSubmitted").iter_errors(broken))


# -- the CDK construct and the stack -------------------------------------------------------------
def test_the_construct_puts_one_schema_per_event_in_its_registry():
    stack = cdk.Stack(cdk.App(), "Schemas")
    EventSchemas(stack, "EventSchemas", registry_name="ticket-platform-test-events")
    template = Template.from_stack(stack)

    template.resource_count_is("AWS::EventSchemas::Registry", 1)
    template.resource_count_is("AWS::EventSchemas::Schema", len(EventName))
    template.has_resource_properties(
        "AWS::EventSchemas::Registry", {"RegistryName": "ticket-platform-test-events"}
    )
    schemas = template.find_resources("AWS::EventSchemas::Schema")
    by_name = {s["Properties"]["SchemaName"]: s["Properties"] for s in schemas.values()}
    assert set(by_name) == {f"{SCHEMA_NAME_PREFIX}{name}" for name in EventName}
    (registry_id,) = template.find_resources("AWS::EventSchemas::Registry")
    for name in EventName:
        properties = by_name[f"{SCHEMA_NAME_PREFIX}{name}"]
        assert properties["Type"] == "JSONSchemaDraft4"
        assert json.loads(properties["Content"]) == event_schema(name)
        assert properties["RegistryName"] == {"Fn::GetAtt": [registry_id, "RegistryName"]}


def test_the_realtime_stack_has_the_registry(synth: Synth):
    template = Template.from_json(synth.template)
    template.resource_count_is("AWS::EventSchemas::Schema", len(EventName))
    template.has_resource_properties(
        "AWS::EventSchemas::Registry",
        {"RegistryName": "ticket-platform-dev-events", "Description": Match.any_value()},
    )
    template.has_output("EventSchemaRegistryName", {"Value": Match.any_value()})
