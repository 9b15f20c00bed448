"""The Kinesis stream every ticket event travels on."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kinesis as kinesis
from constructs import Construct


def ticket_stream(
    scope: Construct, construct_id: str, *, retention_hours: int, removal_policy: RemovalPolicy
) -> kinesis.Stream:
    """An on-demand stream (partition key: the ticket id), encrypted with the ``aws/kinesis`` KMS
    key: a customer-managed key would bill every producer's and consumer's KMS calls and adds
    nothing here (cdk-nag AwsSolutions-KDS3)."""
    return kinesis.Stream(
        scope,
        construct_id,
        stream_mode=kinesis.StreamMode.ON_DEMAND,
        encryption=kinesis.StreamEncryption.MANAGED,
        retention_period=Duration.hours(retention_hours),
        removal_policy=removal_policy,
    )
