"""The state machine is the ASL file of lambdas/workflow, filled with this stack's resources."""

from __future__ import annotations

from typing import Any

import pytest
from infra_synth import Synth

from infra_cdk.components.workflow import WorkflowDefinitionError, definition_text
from lambdas.workflow import DEFINITION_PATH, SUBSTITUTIONS, render_definition


def machine(synth: Synth) -> dict[str, Any]:
    return synth.one("AWS::StepFunctions::StateMachine")[1]["Properties"]


def token(value: dict[str, Any]) -> str:
    """A CloudFormation reference as a readable stand-in for the value it takes on deploy."""
    if "Ref" in value:
        return f"<{value['Ref']}>"
    return "<{}.{}>".format(*value["Fn::GetAtt"])


@pytest.fixture(scope="module")
def rendered(synth: Synth) -> dict[str, Any]:
    """The definition as Step Functions gets it, references in place of the deployed values."""
    substitutions = machine(synth)["DefinitionSubstitutions"]
    return render_definition({name: token(value) for name, value in substitutions.items()})


def test_definition_is_the_asl_file_unchanged(synth: Synth) -> None:
    assert machine(synth)["DefinitionString"] == DEFINITION_PATH.read_text(encoding="utf-8")


def test_substitutions_are_exactly_the_workflows_placeholders(synth: Synth) -> None:
    assert set(machine(synth)["DefinitionSubstitutions"]) == set(SUBSTITUTIONS)


def test_substitutions_point_at_this_stacks_resources(synth: Synth) -> None:
    substitutions = machine(synth)["DefinitionSubstitutions"]
    assert substitutions["ResponseGeneratorFunctionArn"] == {
        "Fn::GetAtt": [synth.function("response_generator")[0], "Arn"]
    }
    assert substitutions["S3WriterFunctionArn"] == {
        "Fn::GetAtt": [synth.function("s3_writer")[0], "Arn"]
    }
    assert substitutions["TicketTableName"] == {"Ref": synth.one("AWS::DynamoDB::Table")[0]}
    assert substitutions["TicketStreamName"] == {"Ref": synth.one("AWS::Kinesis::Stream")[0]}
    assert substitutions["AlertTopicArn"] == {"Ref": synth.one("AWS::SNS::Topic")[0]}
    queue = substitutions["DeadLetterQueueUrl"]["Ref"]
    assert queue.startswith("WorkflowDeadLetters")


def test_rendered_tasks_call_the_substituted_resources(
    rendered: dict[str, Any], synth: Synth
) -> None:
    states = rendered["States"]
    responder = synth.function("response_generator")[0]
    writer = synth.function("s3_writer")[0]
    assert states["GenerateResponse"]["Parameters"]["FunctionName"] == f"<{responder}.Arn>"
    store = {
        branch["StartAt"]: branch["States"][branch["StartAt"]]
        for branch in states["StoreTicket"]["Branches"]
    }
    assert store["WriteTicketToS3"]["Parameters"]["FunctionName"] == f"<{writer}.Arn>"
    table = synth.one("AWS::DynamoDB::Table")[0]
    assert store["PutTicketMetadata"]["Parameters"]["TableName"] == f"<{table}>"
    topic = synth.one("AWS::SNS::Topic")[0]
    assert states["AlertHighPriority"]["Parameters"]["TopicArn"] == f"<{topic}>"


def test_flow_is_sentiment_then_response_then_store(rendered: dict[str, Any]) -> None:
    states = rendered["States"]
    path, name = [], rendered["StartAt"]
    while name in states and len(path) < len(states):
        path.append(name)
        name = states[name].get("Next") or states[name].get("Default")
    tasks = [step for step in path if states[step]["Type"] in ("Task", "Parallel")]
    assert tasks[:1] == ["DetectSentiment"]
    assert states["DetectSentiment"]["Resource"].endswith("comprehend:detectSentiment")
    assert tasks.index("DetectSentiment") < tasks.index("GenerateResponse")
    assert tasks.index("GenerateResponse") < tasks.index("StoreTicket")
    assert states["StoreTicket"]["Type"] == "Parallel"


def test_logging_all_without_execution_data_and_tracing(synth: Synth) -> None:
    properties = machine(synth)
    assert properties["StateMachineType"] == "STANDARD"
    assert properties["TracingConfiguration"] == {"Enabled": True}
    logging = properties["LoggingConfiguration"]
    assert logging["Level"] == "ALL"
    assert logging["IncludeExecutionData"] is False
    group_id = logging["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    group = synth.template["Resources"][group_id]["Properties"]
    assert group["RetentionInDays"] == 30


def test_the_log_group_name_is_new_with_every_stack(synth: Synth) -> None:
    """A group retained by `cdk destroy` must not block the next deployment ("already exists"):
    its name ends with the stack's id, which CloudFormation draws anew at every creation."""
    logging = machine(synth)["LoggingConfiguration"]
    group_id = logging["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    name = synth.template["Resources"][group_id]["Properties"]["LogGroupName"]
    assert not isinstance(name, str), f"a fixed log group name: {name}"
    separator, parts = name["Fn::Join"]
    assert separator == ""
    assert parts[0] == "/aws/vendedlogs/states/TicketPlatform-dev-ticket-workflow-"
    assert parts[1] == {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}


def test_a_placeholder_without_substitution_is_an_error(tmp_path) -> None:
    definition = tmp_path / "lambdas" / "workflow" / "ticket_workflow.asl.json"
    definition.parent.mkdir(parents=True)
    definition.write_text('{"StartAt": "A", "Comment": "${Unknown} ${TicketTableName}"}')
    with pytest.raises(WorkflowDefinitionError, match=r"missing \['Unknown'\]"):
        definition_text(tmp_path, {"TicketTableName": "table"})
