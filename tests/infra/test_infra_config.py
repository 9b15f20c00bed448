"""Configuration: context over environment over defaults, and errors that say what to fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra_cdk.components.bedrock import invoke_model_resources
from infra_cdk.config import SETTINGS, AppConfig, ConfigError, load_config


def load(context: dict[str, Any] | None = None, env: dict[str, str] | None = None) -> AppConfig:
    return load_config((context or {}).get, env or {})


def test_defaults() -> None:
    config = load()
    assert config.env_name == "dev"
    assert config.alert_emails == ()
    assert config.bedrock_model_id == "us.amazon.nova-pro-v1:0"
    assert config.bedrock_temperature == 0.2
    assert config.log_retention_days == 30
    assert config.workflow_log_execution_data is False
    assert config.lambda_dependencies == "build"
    assert config.staging_prefix == "redshift-staging"
    assert config.retain_data is True
    assert config.redshift_cluster_identifier is None and config.redshift_workgroup_name is None


def test_context_wins_over_environment() -> None:
    config = load(
        {"envName": "prod"}, {"TICKET_ENV_NAME": "staging", "TICKET_LOG_RETENTION_DAYS": "90"}
    )
    assert config.env_name == "prod"
    assert config.log_retention_days == 90


def test_cli_strings_are_converted() -> None:
    config = load(
        {
            "workflowLogExecutionData": "true",
            "streamRetentionHours": "48",
            "bedrockTemperature": "0.5",
            "lambdaBuildDir": "/tmp/build",
        }
    )
    assert config.workflow_log_execution_data is True
    assert config.stream_retention_hours == 48
    assert config.bedrock_temperature == 0.5
    assert config.build_dir == Path("/tmp/build")


@pytest.mark.parametrize(
    "value",
    [
        "oncall@example.com, Lead@Example.com",
        '["oncall@example.com", "lead@example.com"]',
        ["oncall@example.com", "lead@example.com", "oncall@example.com"],
    ],
)
def test_alert_emails_from_text_json_or_list(value: Any) -> None:
    assert load({"alertEmails": value}).alert_emails == ("oncall@example.com", "lead@example.com")


def test_empty_context_falls_back_to_environment() -> None:
    config = load({"alertEmails": ""}, {"TICKET_ALERT_EMAILS": "ops@example.com"})
    assert config.alert_emails == ("ops@example.com",)


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"alertEmails": "ops@example.com,not-an-email"}, "alertEmails .*'not-an-email'"),
        ({"alertEmails": "ops@example"}, "not valid email addresses"),
        ({"envName": "Prod_1"}, "envName"),
        ({"bedrockModelId": "Nova Pro"}, "not a Bedrock model id"),
        ({"bedrockRegion": "moon-1"}, "not an AWS region"),
        ({"bedrockTemperature": "2"}, "bedrockTemperature"),
        ({"logRetentionDays": "10"}, "not a CloudWatch Logs retention"),
        ({"streamRetentionHours": "12"}, "streamRetentionHours"),
        ({"lambdaDependencies": "docker"}, "lambdaDependencies"),
        ({"removalPolicy": "snapshot"}, "removalPolicy"),
        ({"account": "12345"}, "account"),
        (
            {"redshiftClusterIdentifier": "tickets", "redshiftWorkgroupName": "tickets"},
            "not both",
        ),
        ({"stagingPrefix": "/abs"}, "stagingPrefix"),
    ],
)
def test_invalid_settings_name_the_key_and_the_variable(context: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        load(context)
    assert str(raised.value).startswith("invalid CDK app configuration")


def test_errors_say_how_to_set_the_value() -> None:
    with pytest.raises(ConfigError) as raised:
        load(env={"TICKET_ALERT_EMAILS": "nobody"})
    assert "-c alertEmails=... or TICKET_ALERT_EMAILS" in str(raised.value)


def test_every_field_has_one_source() -> None:
    assert sorted(s.field for s in SETTINGS) == sorted(AppConfig.model_fields)
    assert len({s.context_key for s in SETTINGS}) == len(SETTINGS)
    assert len({s.env_var for s in SETTINGS}) == len(SETTINGS)


def test_the_app_refuses_an_invalid_configuration(tmp_path: Path) -> None:
    from infra_cdk.app import build_app

    with pytest.raises(ConfigError, match="alertEmails"):
        build_app({"alertEmails": "oops"}, outdir=str(tmp_path), environ={})


def test_bedrock_resources_of_a_foundation_model() -> None:
    assert invoke_model_resources(
        "amazon.nova-lite-v1:0", partition="aws", region="eu-west-1", account="123456789012"
    ) == ["arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-lite-v1:0"]


def test_bedrock_resources_of_an_inference_profile() -> None:
    assert invoke_model_resources(
        "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
        partition="aws",
        region="eu-west-1",
        account="123456789012",
    ) == [
        "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/"
        "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
    ]


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({"region": "eu-west-1"}, "'us' cross-region inference profile"),
        ({"region": "ap-southeast-2"}, "e.g. apac.amazon.nova-pro-v1:0"),
        ({"bedrockRegion": "eu-central-1"}, "but bedrockRegion is 'eu-central-1'"),
        (
            {"region": "eu-west-1", "bedrockModelId": "apac.amazon.nova-pro-v1:0"},
            "callable only from Asia Pacific",
        ),
        (
            {"region": "eu-north-1", "bedrockModelId": "eu.amazon.nova-pro-v1:0"},
            "'eu-north-1' has no Amazon Comprehend endpoint",
        ),
        (
            {
                "region": "us-east-1",
                "bedrockModelId": "amazon.nova-pro-v1:0",
                "bedrockRegion": "us-west-1",
            },
            "'us-west-1' has no Bedrock runtime endpoint",
        ),
    ],
)
def test_region_and_model_geography_must_match(context: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as error:
        load(context)
    assert expected in str(error.value)
    assert "invalid CDK app configuration" in str(error.value)


@pytest.mark.parametrize(
    "context",
    [
        {},  # environment-agnostic: the region is unknown, nothing to check
        {"region": "us-east-1"},
        {"region": "us-west-2"},
        {"region": "eu-west-1", "bedrockModelId": "eu.amazon.nova-pro-v1:0"},
        {"region": "ap-northeast-1", "bedrockModelId": "apac.amazon.nova-pro-v1:0"},
        {"region": "ap-northeast-1", "bedrockModelId": "jp.amazon.nova-pro-v1:0"},
        {"region": "eu-west-2", "bedrockModelId": "global.anthropic.claude-sonnet-4-5-v1:0"},
        {"region": "eu-west-1", "bedrockRegion": "us-east-1"},  # Bedrock called across regions
        {"region": "eu-central-1", "bedrockModelId": "amazon.nova-pro-v1:0"},
    ],
)
def test_matching_regions_synthesize(context: dict[str, str]) -> None:
    load(context)


def test_service_regions_come_from_botocore() -> None:
    from infra_cdk.regions import bedrock_runtime_regions, comprehend_regions

    assert {"us-east-1", "eu-west-1", "ap-southeast-2"} <= comprehend_regions()
    assert "sa-east-1" not in comprehend_regions()
    assert {"us-east-1", "us-west-2", "eu-central-1"} <= bedrock_runtime_regions()
    assert not any(region.startswith("fips") for region in bedrock_runtime_regions())
