"""The warehouse side: the role Redshift assumes to COPY from the bucket, the secret of the
warehouse user, and the managed policy for the batch platform (Dagster) to attach
(``batch_policy.py``)."""

from __future__ import annotations

import json

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra_cdk.components.batch_policy import BatchPlatformPolicy
from infra_cdk.components.storage import EVENTS_PREFIX, TICKETS_PREFIX
from infra_cdk.config import AppConfig
from infra_cdk.nag import acknowledge, arn_of, wildcard_resource

# Redshift passwords: printable ASCII except ' " \ / @ and space.
_PASSWORD_EXCLUDED = "'\"\\/@ "


class WarehouseAccess(Construct):
    """Read-only S3 access for Redshift COPY, the warehouse credentials, the batch platform's
    policy."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bucket: s3.IBucket,
        config: AppConfig,
        alert_topic: sns.ITopic,
        alert_key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        self._bucket = bucket
        staging = config.staging_prefix
        principals: list[iam.IPrincipal] = [iam.ServicePrincipal("redshift.amazonaws.com")]
        if config.redshift_workgroup_name or config.redshift_serverless:
            principals.append(iam.ServicePrincipal("redshift-serverless.amazonaws.com"))
        self.copy_role = iam.Role(
            self,
            "CopyRole",
            assumed_by=iam.CompositePrincipal(*principals),
            description="Redshift COPY: read tickets/, events/ and the staging prefix",
        )
        for statement in self._read_statements((TICKETS_PREFIX, EVENTS_PREFIX, staging)):
            self.copy_role.add_to_policy(statement)
        self.secret = secretsmanager.Secret(
            self,
            "Credentials",
            description="Ticket platform: the warehouse user the batch platform connects as",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps(_secret_template(config)),
                generate_string_key="password",
                exclude_characters=_PASSWORD_EXCLUDED,
                password_length=32,
                require_each_included_type=True,
            ),
            removal_policy=RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY,
        )
        # The batch platform's judge uses the real-time path's model unless TICKET_JUDGE_MODEL
        # says otherwise (then pass that id here).
        self.batch_policy = BatchPlatformPolicy(
            self,
            "BatchPlatformPolicy",
            bucket=bucket,
            staging_prefix=staging,
            secret=self.secret,
            alert_topic=alert_topic,
            alert_key=alert_key,
            judge_model_id=config.bedrock_model_id,
        )
        self._acknowledge(staging)

    def _read_statements(self, prefixes: tuple[str, ...]) -> list[iam.PolicyStatement]:
        bucket = self._bucket
        return [
            iam.PolicyStatement(
                sid="ReadPrefixes",
                actions=["s3:GetObject"],
                resources=[bucket.arn_for_objects(f"{prefix}/*") for prefix in prefixes],
            ),
            iam.PolicyStatement(
                sid="ListPrefixes",
                actions=["s3:ListBucket"],
                resources=[bucket.bucket_arn],
                conditions={
                    "StringLike": {
                        "s3:prefix": [p for prefix in prefixes for p in (prefix, f"{prefix}/*")]
                    }
                },
            ),
            iam.PolicyStatement(
                sid="BucketLocation",
                actions=["s3:GetBucketLocation"],
                resources=[bucket.bucket_arn],
            ),
        ]

    def _acknowledge(self, staging: str) -> None:
        reasons = {
            TICKETS_PREFIX: "processed tickets, one object per ticket under date folders",
            EVENTS_PREFIX: "raw events, objects named by Firehose under date folders",
            staging: "COPY batches and manifests, named per load by the batch platform",
        }
        for prefix, reason in reasons.items():
            acknowledge(
                self.copy_role,
                wildcard_resource(f"{arn_of(self._bucket)}/{prefix}/*"),
                f"Object keys under {prefix}/ ({reason}) are only known at run time; access is "
                "limited to this prefix by design.",
            )
        acknowledge(
            self.secret,
            "AwsSolutions-SMG4",
            "The password belongs to a user of an existing Redshift warehouse this stack does not "
            "manage; rotating it needs a rotation function with network access to that "
            "warehouse, set up with the warehouse (README: rotate the warehouse secret).",
        )


def _secret_template(config: AppConfig) -> dict[str, str]:
    """The secret's fields besides the generated password (the Secrets Manager Redshift shape)."""
    template = {
        "engine": "redshift",
        "username": config.redshift_user,
        "dbname": config.redshift_database,
    }
    if config.redshift_cluster_identifier:
        template["dbClusterIdentifier"] = config.redshift_cluster_identifier
    if config.redshift_workgroup_name:
        template["workgroupName"] = config.redshift_workgroup_name
    return template
