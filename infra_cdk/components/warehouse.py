"""The warehouse side: the role Redshift assumes to COPY from the bucket, the secret of the
warehouse user, and a managed policy for the batch platform (Dagster) to attach."""

from __future__ import annotations

import json

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra_cdk.components.storage import EVENTS_PREFIX, TICKETS_PREFIX
from infra_cdk.config import AppConfig
from infra_cdk.nag import acknowledge, arn_of, wildcard_resource

# Redshift passwords: printable ASCII except ' " \ / @ and space.
_PASSWORD_EXCLUDED = "'\"\\/@ "


class WarehouseAccess(Construct):
    """Read-only S3 access for Redshift COPY, the warehouse credentials, the batch platform's
    policy."""

    def __init__(
        self, scope: Construct, construct_id: str, *, bucket: s3.IBucket, config: AppConfig
    ) -> None:
        super().__init__(scope, construct_id)
        self._bucket = bucket
        staging = config.staging_prefix
        principals: list[iam.IPrincipal] = [iam.ServicePrincipal("redshift.amazonaws.com")]
        if config.redshift_workgroup_name:
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
        self.batch_policy = iam.ManagedPolicy(
            self,
            "BatchPlatformPolicy",
            description="Ticket platform batch side: read tickets/, stage COPY batches, read the "
            "warehouse secret",
            statements=[
                *self._read_statements((TICKETS_PREFIX, staging)),
                iam.PolicyStatement(
                    sid="StageCopyBatches",
                    actions=["s3:PutObject", "s3:DeleteObject"],
                    resources=[bucket.arn_for_objects(f"{staging}/*")],
                ),
                iam.PolicyStatement(
                    sid="WarehouseCredentials",
                    actions=["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                    resources=[self.secret.secret_arn],
                ),
            ],
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
        for construct, prefixes in (
            (self.copy_role, (TICKETS_PREFIX, EVENTS_PREFIX, staging)),
            (self.batch_policy, (TICKETS_PREFIX, staging)),
        ):
            for prefix in prefixes:
                acknowledge(
                    construct,
                    wildcard_resource(f"{arn_of(self._bucket)}/{prefix}/*"),
                    f"Object keys under {prefix}/ ({reasons[prefix]}) are only known at run "
                    "time; access is limited to this prefix by design.",
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
