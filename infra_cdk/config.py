"""Configuration of the CDK app, validated with pydantic.

Every setting is read from cdk context first (``-c key=value`` or ``cdk.json``), then from an
environment variable, then falls back to its default. ``SETTINGS`` names the context key and the
variable of each field; ``AppConfig`` holds the defaults and the rules. The README's configuration
table documents both.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from infra_cdk.regions import region_problems

# The retention periods CloudWatch Logs accepts, in days.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
)
# A Bedrock model id (``amazon.nova-pro-v1:0``) or a cross-region inference profile id
# (``us.amazon.nova-pro-v1:0``): dot-separated lowercase segments, optional ``:version`` parts.
_MODEL_ID = re.compile(r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9._-]*)+(:[a-z0-9-]+)*$")
_AWS_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


class ConfigError(ValueError):
    """The app's configuration is invalid; the message names each setting and how to set it."""


@dataclass(frozen=True)
class Setting:
    """Where one setting comes from."""

    field: str
    context_key: str
    env_var: str


SETTINGS: tuple[Setting, ...] = tuple(
    Setting(*row)
    for row in (
        ("env_name", "envName", "TICKET_ENV_NAME"),
        ("alert_emails", "alertEmails", "TICKET_ALERT_EMAILS"),
        ("bedrock_model_id", "bedrockModelId", "TICKET_BEDROCK_MODEL_ID"),
        ("bedrock_region", "bedrockRegion", "TICKET_BEDROCK_REGION"),
        ("bedrock_temperature", "bedrockTemperature", "TICKET_BEDROCK_TEMPERATURE"),
        ("prompt_version", "promptVersion", "TICKET_PROMPT_VERSION"),
        ("log_retention_days", "logRetentionDays", "TICKET_LOG_RETENTION_DAYS"),
        (
            "workflow_log_execution_data",
            "workflowLogExecutionData",
            "TICKET_WORKFLOW_LOG_EXECUTION_DATA",
        ),
        ("stream_retention_hours", "streamRetentionHours", "TICKET_STREAM_RETENTION_HOURS"),
        ("events_retention_days", "eventsRetentionDays", "TICKET_EVENTS_RETENTION_DAYS"),
        ("staging_prefix", "stagingPrefix", "TICKET_STAGING_PREFIX"),
        ("staging_retention_days", "stagingRetentionDays", "TICKET_STAGING_RETENTION_DAYS"),
        ("access_log_retention_days", "accessLogRetentionDays", "TICKET_ACCESS_LOG_RETENTION_DAYS"),
        (
            "iterator_age_alarm_seconds",
            "iteratorAgeAlarmSeconds",
            "TICKET_ITERATOR_AGE_ALARM_SECONDS",
        ),
        ("removal_policy", "removalPolicy", "TICKET_REMOVAL_POLICY"),
        (
            "redshift_cluster_identifier",
            "redshiftClusterIdentifier",
            "TICKET_REDSHIFT_CLUSTER_IDENTIFIER",
        ),
        ("redshift_workgroup_name", "redshiftWorkgroupName", "TICKET_REDSHIFT_WORKGROUP_NAME"),
        ("redshift_database", "redshiftDatabase", "TICKET_REDSHIFT_DATABASE"),
        ("redshift_user", "redshiftUser", "TICKET_REDSHIFT_USER"),
        ("lambda_dependencies", "lambdaDependencies", "TICKET_LAMBDA_DEPENDENCIES"),
        ("build_dir", "lambdaBuildDir", "TICKET_LAMBDA_BUILD_DIR"),
        ("lambda_python", "lambdaPython", "TICKET_LAMBDA_PYTHON"),
        ("batch_stack", "batchStack", "TICKET_BATCH_STACK"),
        ("batch_domain_name", "batchDomainName", "TICKET_BATCH_DOMAIN_NAME"),
        ("batch_certificate_arn", "batchCertificateArn", "TICKET_BATCH_CERTIFICATE_ARN"),
        ("batch_image_tag", "batchImageTag", "TICKET_BATCH_IMAGE_TAG"),
        ("batch_bucket_name", "batchBucketName", "TICKET_BATCH_BUCKET_NAME"),
        ("batch_alert_topic_arn", "batchAlertTopicArn", "TICKET_BATCH_ALERT_TOPIC_ARN"),
        ("batch_alert_key_arn", "batchAlertKeyArn", "TICKET_BATCH_ALERT_KEY_ARN"),
        (
            "batch_warehouse_secret_arn",
            "batchWarehouseSecretArn",
            "TICKET_BATCH_WAREHOUSE_SECRET_ARN",
        ),
        (
            "batch_slack_webhook_secret_arn",
            "batchSlackWebhookSecretArn",
            "TICKET_BATCH_SLACK_WEBHOOK_SECRET_ARN",
        ),
        (
            "batch_db_deletion_protection",
            "batchDbDeletionProtection",
            "TICKET_BATCH_DB_DELETION_PROTECTION",
        ),
        ("batch_environment", "batchEnvironment", "TICKET_BATCH_ENVIRONMENT"),
        ("redshift_serverless", "redshiftServerless", "TICKET_REDSHIFT_SERVERLESS"),
        ("redshift_base_capacity", "redshiftBaseCapacity", "TICKET_REDSHIFT_BASE_CAPACITY"),
        ("redshift_max_capacity", "redshiftMaxCapacity", "TICKET_REDSHIFT_MAX_CAPACITY"),
        (
            "batch_redshift_copy_role_arn",
            "batchRedshiftCopyRoleArn",
            "TICKET_BATCH_REDSHIFT_COPY_ROLE_ARN",
        ),
        ("account", "account", "CDK_DEFAULT_ACCOUNT"),
        ("region", "region", "CDK_DEFAULT_REGION"),
    )
)
_BY_FIELD = {setting.field: setting for setting in SETTINGS}


class AppConfig(BaseModel):
    """The validated configuration of one deployment of the real-time path."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    env_name: str = Field("dev", pattern=r"^[a-z][a-z0-9-]{0,19}$")
    alert_emails: tuple[str, ...] = ()
    bedrock_model_id: str = "us.amazon.nova-pro-v1:0"
    bedrock_region: str | None = None
    bedrock_temperature: float = Field(0.2, ge=0.0, le=1.0)
    prompt_version: str | None = Field(None, min_length=1, max_length=64)
    log_retention_days: int = 30
    workflow_log_execution_data: bool = False
    stream_retention_hours: int = Field(24, ge=24, le=8760)
    events_retention_days: int = Field(365, ge=0)
    staging_prefix: str = Field("redshift-staging", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
    staging_retention_days: int = Field(7, ge=1)
    access_log_retention_days: int = Field(365, ge=1)
    iterator_age_alarm_seconds: int = Field(300, ge=1)
    removal_policy: Literal["retain", "destroy"] = "retain"
    redshift_cluster_identifier: str | None = Field(None, pattern=r"^[a-z][a-z0-9-]{0,62}$")
    redshift_workgroup_name: str | None = Field(None, pattern=r"^[a-z0-9-]{3,64}$")
    redshift_database: str = Field("dev", pattern=r"^[a-z_][a-z0-9_$]{0,126}$")
    redshift_user: str = Field("ticket_platform", pattern=r"^[a-z_][a-z0-9_$]{0,126}$")
    lambda_dependencies: Literal["build", "skip"] = "build"
    build_dir: Path | None = None
    lambda_python: str | None = None  # a CPython 3.12 compiling the bytecode (default: found)
    # The batch side (Dagster on ECS, stacks/batch.py): off, beside the real-time stack, or alone.
    batch_stack: Literal["false", "true", "only"] = "false"
    batch_domain_name: str | None = Field(
        None, max_length=253, pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
    )
    batch_certificate_arn: str | None = Field(
        None, pattern=r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+$"
    )
    # Unset: the services are created with no task (the repository exists, no image yet).
    batch_image_tag: str | None = Field(None, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
    # The real-time stack's resources, when the batch stack is deployed alone (its outputs).
    batch_bucket_name: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    batch_alert_topic_arn: str | None = Field(None, pattern=r"^arn:aws[a-z-]*:sns:.+$")
    batch_alert_key_arn: str | None = Field(None, pattern=r"^arn:aws[a-z-]*:kms:.+:key/.+$")
    batch_warehouse_secret_arn: str | None = Field(
        None, pattern=r"^arn:aws[a-z-]*:secretsmanager:.+:secret:.+$"
    )
    batch_slack_webhook_secret_arn: str | None = Field(
        None, pattern=r"^arn:aws[a-z-]*:secretsmanager:.+:secret:.+$"
    )
    batch_db_deletion_protection: bool = True
    # Values of deploy/dagster.yaml's env_vars the stack does not know (TICKET_REDSHIFT_HOST, ...),
    # as a JSON object; never a password (those are ECS secrets).
    batch_environment: dict[str, str] = Field(default_factory=dict)
    # A Redshift Serverless namespace and workgroup in the batch stack's VPC, for a team with no
    # warehouse yet (stacks/batch.py, components/batch_warehouse.py).
    redshift_serverless: bool = False
    redshift_base_capacity: int = Field(8, ge=8, le=1024)  # RPUs, in steps of 8
    redshift_max_capacity: int | None = Field(None, ge=8, le=5632)  # RPUs; unset: no cap
    # The real-time stack's output RedshiftCopyRoleArn, when the batch stack is deployed alone.
    batch_redshift_copy_role_arn: str | None = Field(
        None, pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$"
    )
    account: str | None = Field(None, pattern=r"^\d{12}$")
    region: str | None = None

    @field_validator("alert_emails", mode="before")
    @classmethod
    def _split_emails(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("alert_emails")
    @classmethod
    def _valid_emails(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [email for email in value if not _EMAIL.match(email)]
        if bad:
            raise ValueError(f"not valid email addresses: {', '.join(map(repr, bad))}")
        return tuple(dict.fromkeys(email.lower() for email in value))

    @field_validator("batch_environment", mode="before")
    @classmethod
    def _parse_environment(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    @field_validator("batch_environment")
    @classmethod
    def _no_passwords(cls, value: dict[str, str]) -> dict[str, str]:
        secret = [name for name in value if "PASSWORD" in name or "WEBHOOK_URL" in name]
        if secret:
            raise ValueError(f"{secret} are secrets: they enter the tasks as ECS secrets")
        return value

    @field_validator("bedrock_model_id")
    @classmethod
    def _valid_model_id(cls, value: str) -> str:
        if not _MODEL_ID.match(value):
            raise ValueError(
                f"{value!r} is not a Bedrock model id or inference profile id "
                "(e.g. us.amazon.nova-pro-v1:0 or amazon.nova-pro-v1:0)"
            )
        return value

    @field_validator("bedrock_region", "region")
    @classmethod
    def _valid_region(cls, value: str | None) -> str | None:
        if value is not None and not _AWS_REGION.match(value):
            raise ValueError(f"{value!r} is not an AWS region name (e.g. us-east-1)")
        return value

    @field_validator("log_retention_days")
    @classmethod
    def _valid_log_retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            allowed = ", ".join(map(str, LOG_RETENTION_DAYS))
            raise ValueError(f"{value} is not a CloudWatch Logs retention; use one of {allowed}")
        return value

    @model_validator(mode="after")
    def _one_warehouse(self) -> AppConfig:
        if self.redshift_cluster_identifier and self.redshift_workgroup_name:
            raise ValueError(
                "set redshiftClusterIdentifier or redshiftWorkgroupName, not both "
                "(the COPY role and the secret are for one warehouse)"
            )
        return self

    @model_validator(mode="after")
    def _serverless_warehouse(self) -> AppConfig:
        if not self.redshift_serverless:
            return self
        problems = []
        if self.redshift_cluster_identifier or self.redshift_workgroup_name:
            problems.append(
                "redshiftServerless creates a warehouse: leave redshiftClusterIdentifier and "
                "redshiftWorkgroupName unset (they name an existing one)"
            )
        if self.batch_stack == "false":
            problems.append(
                "redshiftServerless needs batchStack=true or only (the workgroup lives in the "
                "batch stack's VPC, beside the tasks that connect to it)"
            )
        if self.batch_stack == "only" and not self.batch_redshift_copy_role_arn:
            problems.append(
                "redshiftServerless with batchStack=only needs batchRedshiftCopyRoleArn (the "
                "real-time stack's output RedshiftCopyRoleArn, the role COPY runs as)"
            )
        if not (self.account and self.region):
            problems.append(
                "redshiftServerless needs the account and region (a workgroup needs subnets in "
                "three Availability Zones, which CDK only knows for a given account and region)"
            )
        for name, value in (
            ("redshiftBaseCapacity", self.redshift_base_capacity),
            ("redshiftMaxCapacity", self.redshift_max_capacity),
        ):
            if value is not None and value % 8:
                problems.append(f"{name} must be a multiple of 8 RPUs (got {value})")
        if self.redshift_max_capacity and self.redshift_max_capacity < self.redshift_base_capacity:
            problems.append("redshiftMaxCapacity must be at least redshiftBaseCapacity")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _batch_settings(self) -> AppConfig:
        if self.batch_stack == "false":
            return self
        missing = [
            key
            for key, value in (
                ("batchDomainName", self.batch_domain_name),
                ("batchCertificateArn", self.batch_certificate_arn),
            )
            if not value
        ]
        if self.batch_stack == "only":
            missing += [
                key
                for key, value in (
                    ("batchBucketName", self.batch_bucket_name),
                    ("batchAlertTopicArn", self.batch_alert_topic_arn),
                    ("batchAlertKeyArn", self.batch_alert_key_arn),
                    ("batchWarehouseSecretArn", self.batch_warehouse_secret_arn),
                )
                if not value
            ]
        if missing:
            raise ValueError(
                f"batchStack={self.batch_stack} needs {', '.join(missing)} (the batch stack's "
                "HTTPS host name and its ACM certificate; alone, the real-time stack's outputs)"
            )
        return self

    @model_validator(mode="after")
    def _services_in_region(self) -> AppConfig:
        problems = region_problems(
            model_id=self.bedrock_model_id, bedrock_region=self.bedrock_region, region=self.region
        )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def retain_data(self) -> bool:
        return self.removal_policy == "retain"


def _present(value: Any) -> bool:
    return value is not None and value != ""


def load_config(
    get_context: Callable[[str], Any], environ: Mapping[str, str] | None = None
) -> AppConfig:
    """Read every setting (context over environment over default) and validate them together.

    ``get_context`` is ``app.node.try_get_context``. Raises ``ConfigError`` listing every invalid
    setting with its context key and environment variable.
    """
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    for setting in SETTINGS:
        value = get_context(setting.context_key)
        if not _present(value):
            value = environ.get(setting.env_var)
        if _present(value):
            raw[setting.field] = value
    try:
        return AppConfig.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_describe(error)) from None


def _describe(error: ValidationError) -> str:
    lines = ["invalid CDK app configuration:"]
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        setting = _BY_FIELD.get(field)
        where = (
            f"{setting.context_key} (-c {setting.context_key}=... or {setting.env_var})"
            if setting
            else "configuration"
        )
        message = problem["msg"].removeprefix("Value error, ")
        # A rule over several settings names them itself; its input is the whole configuration.
        got = f" (got {problem.get('input')!r})" if setting else ""
        lines.append(f"  - {where}: {message}{got}")
    return "\n".join(lines)
