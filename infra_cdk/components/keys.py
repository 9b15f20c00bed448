"""The customer-managed KMS key of the alert topic."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct


def alert_key(scope: Construct, construct_id: str, *, removal_policy: RemovalPolicy) -> kms.Key:
    """A rotated key for alert messages.

    A customer-managed key rather than ``aws/sns``: CloudWatch alarms can only publish to an
    encrypted topic whose key policy lets CloudWatch use the key, and AWS managed key policies
    cannot be changed.
    """
    key = kms.Key(
        scope,
        construct_id,
        description="Ticket platform: SNS alert topic",
        enable_key_rotation=True,
        removal_policy=removal_policy,
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudWatchAlarmsToPublishToTheEncryptedTopic",
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],
        )
    )
    return key
