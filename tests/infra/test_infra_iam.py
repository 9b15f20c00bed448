"""Least privilege: each role may do what its code calls, on its own resources, and nothing more."""

from __future__ import annotations

from typing import Any

import pytest
from infra_synth import Synth

# Actions AWS only authorizes on Resource "*".
STAR_ONLY_ACTIONS = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "comprehend:DetectSentiment",
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
}
LOGGING = {
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
}
STREAM_READ = {
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
    "kinesis:SubscribeToShard",
    "kinesis:DescribeStream",
    "kinesis:ListStreams",
    "kinesis:DescribeStreamConsumer",
}
DEAD_LETTER = {"sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"}


def actions(statements: list[dict[str, Any]]) -> set[str]:
    found: set[str] = set()
    for statement in statements:
        assert statement["Effect"] == "Allow"
        action = statement["Action"]
        found.update([action] if isinstance(action, str) else action)
    return found


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def resources_of(statements: list[dict[str, Any]], action: str) -> list[Any]:
    return [
        resource
        for statement in statements
        if action in listed(statement["Action"])
        for resource in listed(statement["Resource"])
    ]


def joined(resource: Any) -> str:
    """A ``Fn::Join`` resource as text, references shown as ``<Ref>`` / ``<Id.Attr>``."""
    if isinstance(resource, str):
        return resource
    if "Fn::Join" in resource:
        return "".join(joined(part) for part in resource["Fn::Join"][1])
    if "Ref" in resource:
        return f"<{resource['Ref']}>"
    if "Fn::GetAtt" in resource:
        return "<{}.{}>".format(*resource["Fn::GetAtt"])
    raise AssertionError(f"unexpected resource {resource}")


def ticket_bucket_id(synth: Synth) -> str:
    (bucket_id,) = [
        name
        for name, bucket in synth.resources("AWS::S3::Bucket").items()
        if "VersioningConfiguration" in bucket["Properties"]
    ]
    return bucket_id


def workflow_statements(synth: Synth) -> list[dict[str, Any]]:
    _, machine = synth.one("AWS::StepFunctions::StateMachine")
    return synth.role_statements(machine["Properties"]["RoleArn"]["Fn::GetAtt"][0])


def test_no_wildcard_actions_and_no_managed_policies(synth: Synth) -> None:
    for name, role in synth.resources("AWS::IAM::Role").items():
        assert "ManagedPolicyArns" not in role["Properties"], name
        for action in actions(synth.role_statements(name)):
            assert "*" not in action, (name, action)


def test_resource_star_only_where_aws_requires_it(synth: Synth) -> None:
    for name in synth.resources("AWS::IAM::Role"):
        for statement in synth.role_statements(name):
            if "*" in listed(statement["Resource"]):
                assert set(listed(statement["Action"])) <= STAR_ONLY_ACTIONS, (name, statement)


def test_response_generator_invokes_the_model_and_nothing_else(synth: Synth) -> None:
    statements = synth.function_statements("response_generator")
    assert actions(statements) == LOGGING | {"bedrock:InvokeModel"}
    assert sorted(joined(r) for r in resources_of(statements, "bedrock:InvokeModel")) == [
        "arn:<AWS::Partition>:bedrock:*::foundation-model/amazon.nova-pro-v1:0",
        "arn:<AWS::Partition>:bedrock:<AWS::Region>:<AWS::AccountId>"
        ":inference-profile/us.amazon.nova-pro-v1:0",
    ]
    assert not any(action.startswith(("s3:", "dynamodb:")) for action in actions(statements))


def test_s3_writer_reads_and_writes_tickets_only(synth: Synth) -> None:
    statements = synth.function_statements("s3_writer")
    bucket = ticket_bucket_id(synth)
    assert actions(statements) == LOGGING | {"s3:GetObject", "s3:PutObject", "s3:ListBucket"}
    assert [joined(r) for r in resources_of(statements, "s3:PutObject")] == [
        f"<{bucket}.Arn>/tickets/*"
    ]
    (listing,) = [s for s in statements if s["Action"] == "s3:ListBucket"]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["tickets/*"]}}


def test_status_recorder_writes_the_table_and_reads_the_stream(synth: Synth) -> None:
    statements = synth.function_statements("status_recorder")
    table_id, _ = synth.one("AWS::DynamoDB::Table")
    assert actions(statements) == (
        LOGGING | STREAM_READ | DEAD_LETTER | {"dynamodb:PutItem", "dynamodb:UpdateItem"}
    )
    assert resources_of(statements, "dynamodb:UpdateItem") == [{"Fn::GetAtt": [table_id, "Arn"]}]


def test_trigger_starts_executions_of_its_state_machine_only(synth: Synth) -> None:
    statements = synth.function_statements("trigger_sfn")
    machine_id, _ = synth.one("AWS::StepFunctions::StateMachine")
    assert actions(statements) == LOGGING | STREAM_READ | DEAD_LETTER | {"states:StartExecution"}
    assert resources_of(statements, "states:StartExecution") == [{"Ref": machine_id}]


def test_workflow_role_calls_exactly_the_tasks_of_the_definition(synth: Synth) -> None:
    statements = workflow_statements(synth)
    task_actions = {
        "comprehend:DetectSentiment",
        "lambda:InvokeFunction",
        "dynamodb:PutItem",
        "kinesis:PutRecord",
        "sns:Publish",
        "sqs:SendMessage",
        "kms:GenerateDataKey",
        "kms:Decrypt",
    }
    assert actions(statements) - STAR_ONLY_ACTIONS == task_actions - {"comprehend:DetectSentiment"}
    assert task_actions <= actions(statements)
    invoked = sorted(r["Fn::GetAtt"][0] for r in resources_of(statements, "lambda:InvokeFunction"))
    assert invoked == sorted(
        synth.function(name)[0] for name in ("response_generator", "s3_writer")
    )
    (stream_id, _), (topic_id, _) = synth.one("AWS::Kinesis::Stream"), synth.one("AWS::SNS::Topic")
    (key_id, _), (table_id, _) = synth.one("AWS::KMS::Key"), synth.one("AWS::DynamoDB::Table")
    assert resources_of(statements, "kinesis:PutRecord") == [{"Fn::GetAtt": [stream_id, "Arn"]}]
    assert resources_of(statements, "sns:Publish") == [{"Ref": topic_id}]
    assert resources_of(statements, "dynamodb:PutItem") == [{"Fn::GetAtt": [table_id, "Arn"]}]
    assert resources_of(statements, "kms:Decrypt") == [{"Fn::GetAtt": [key_id, "Arn"]}]
    (queue,) = resources_of(statements, "sqs:SendMessage")
    assert queue["Fn::GetAtt"][0].startswith("WorkflowDeadLetters")


def test_firehose_reads_the_stream_and_writes_events_and_errors(synth: Synth) -> None:
    _, delivery = synth.one("AWS::KinesisFirehose::DeliveryStream")
    role_id = delivery["Properties"]["KinesisStreamSourceConfiguration"]["RoleARN"]["Fn::GetAtt"][0]
    statements = synth.role_statements(role_id)
    bucket = ticket_bucket_id(synth)
    assert sorted(joined(r) for r in resources_of(statements, "s3:PutObject")) == [
        f"<{bucket}.Arn>/errors/firehose/*",
        f"<{bucket}.Arn>/events/*",
    ]
    assert "s3:DeleteObject" not in actions(statements)
    assert actions(statements) >= STREAM_READ


@pytest.mark.parametrize("prefix", ["tickets", "events", "redshift-staging"])
def test_redshift_copy_role_reads_the_loaded_prefixes(synth: Synth, prefix: str) -> None:
    (role_id,) = [
        name
        for name, role in synth.resources("AWS::IAM::Role").items()
        if role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
        == {"Service": "redshift.amazonaws.com"}
    ]
    statements = synth.role_statements(role_id)
    assert actions(statements) == {"s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"}
    bucket = ticket_bucket_id(synth)
    assert f"<{bucket}.Arn>/{prefix}/*" in {
        joined(r) for r in resources_of(statements, "s3:GetObject")
    }


def test_batch_platform_policy_stages_batches_and_reads_the_secret(synth: Synth) -> None:
    (_, policy), (secret_id, _) = (
        synth.one("AWS::IAM::ManagedPolicy"),
        synth.one("AWS::SecretsManager::Secret"),
    )
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    bucket = ticket_bucket_id(synth)
    assert [joined(r) for r in resources_of(statements, "s3:DeleteObject")] == [
        f"<{bucket}.Arn>/redshift-staging/*"
    ]
    assert resources_of(statements, "secretsmanager:GetSecretValue") == [{"Ref": secret_id}]
