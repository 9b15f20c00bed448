"""A second configuration reaches the template: every non-default setting changes what it should
(its own synthesis, in its own module so xdist runs it beside the others)."""

from __future__ import annotations

import pytest
from infra_synth import Synth, synthesize, violations

CONTEXT = {
    "envName": "qa",
    "alertEmails": "",
    "bedrockModelId": "amazon.nova-lite-v1:0",
    "bedrockRegion": "us-west-2",
    "promptVersion": "v2",
    "workflowLogExecutionData": "true",
    "logRetentionDays": "7",
    "eventsRetentionDays": "60",
    "stagingPrefix": "copy-batches",
    "iteratorAgeAlarmSeconds": "120",
    "removalPolicy": "destroy",
    "redshiftWorkgroupName": "tickets-wg",
    "redshiftUser": "loader",
}


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return synthesize(tmp_path_factory.mktemp("variant"), CONTEXT, stack="TicketPlatform-qa")


def test_variant_passes_cdk_nag(variant: Synth) -> None:
    assert violations(variant.report) == [] and variant.error is None


def test_foundation_model_needs_no_wildcard(variant: Synth) -> None:
    _, function = variant.function("response_generator")
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    (statement,) = [
        s for s in variant.role_statements(role_id) if s["Action"] == "bedrock:InvokeModel"
    ]
    assert statement["Resource"] == {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":bedrock:us-west-2::foundation-model/"
             "amazon.nova-lite-v1:0"],
        ]
    }  # fmt: skip
    environment = function["Properties"]["Environment"]["Variables"]
    assert environment["BEDROCK_REGION"] == "us-west-2"
    assert environment["PROMPT_VERSION"] == "v2"


def test_execution_data_logging_and_retention(variant: Synth) -> None:
    _, machine = variant.one("AWS::StepFunctions::StateMachine")
    assert machine["Properties"]["LoggingConfiguration"]["IncludeExecutionData"] is True
    for group in variant.resources("AWS::Logs::LogGroup").values():
        assert group["Properties"]["RetentionInDays"] == 7


def test_destroy_removal_policy_except_buckets(variant: Synth) -> None:
    _, table = variant.one("AWS::DynamoDB::Table")
    assert table["DeletionPolicy"] == "Delete"
    assert table["Properties"]["DeletionProtectionEnabled"] is False
    for bucket in variant.resources("AWS::S3::Bucket").values():
        assert bucket["DeletionPolicy"] == "Retain"


def test_lifecycle_follows_retention_settings(variant: Synth) -> None:
    (bucket,) = [
        b
        for b in variant.resources("AWS::S3::Bucket").values()
        if "VersioningConfiguration" in b["Properties"]
    ]
    rules = {rule["Id"]: rule for rule in bucket["Properties"]["LifecycleConfiguration"]["Rules"]}
    assert rules["raw-events"]["ExpirationInDays"] == 60
    assert [t["StorageClass"] for t in rules["raw-events"]["Transitions"]] == ["STANDARD_IA"]
    assert rules["redshift-staging"]["Prefix"] == "copy-batches/"


def test_serverless_warehouse(variant: Synth) -> None:
    trusted = [
        {
            s["Principal"]["Service"]
            for s in role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        }
        for role in variant.resources("AWS::IAM::Role").values()
    ]
    assert {"redshift.amazonaws.com", "redshift-serverless.amazonaws.com"} in trusted
    _, secret = variant.one("AWS::SecretsManager::Secret")
    template = secret["Properties"]["GenerateSecretString"]["SecretStringTemplate"]
    assert '"workgroupName": "tickets-wg"' in template and '"username": "loader"' in template


def test_alarm_threshold_and_no_subscriptions(variant: Synth) -> None:
    assert variant.resources("AWS::SNS::Subscription") == {}
    thresholds = {
        alarm["Properties"]["MetricName"]: alarm["Properties"]["Threshold"]
        for alarm in variant.resources("AWS::CloudWatch::Alarm").values()
    }
    assert thresholds["GetRecords.IteratorAgeMilliseconds"] == 120_000
