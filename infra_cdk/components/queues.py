"""Dead-letter queues: where records and tickets go when their processing gave up."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra_cdk import checkov
from infra_cdk.nag import acknowledge

RETENTION = Duration.days(14)  # SQS's maximum: time to find the cause and replay


def dead_letter_queue(
    scope: Construct, construct_id: str, *, holds: str, removal_policy: RemovalPolicy
) -> sqs.Queue:
    """An encrypted, TLS-only queue kept for inspection and replay; ``holds`` says what it holds
    (it goes into the cdk-nag acknowledgement of the queue having no redrive queue itself)."""
    queue = sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=RETENTION,
        removal_policy=removal_policy,
    )
    acknowledge(
        queue,
        "AwsSolutions-SQS3",
        f"This queue is itself a dead-letter queue ({holds}). Nothing consumes it automatically: "
        "operators inspect and replay its messages, and its depth raises a CloudWatch alarm, so a "
        "further redrive queue would never receive anything.",
    )
    checkov.skip(
        queue,
        "CKV_AWS_27",
        "Encrypted at rest with SQS-managed keys (SqsManagedSseEnabled); this checkov release "
        "only recognizes a KmsMasterKeyId.",
    )
    return queue
