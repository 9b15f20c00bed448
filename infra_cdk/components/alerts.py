"""The alert topic: HIGH-priority tickets (from the workflow) and CloudWatch alarms."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct


def alert_topic(
    scope: Construct, construct_id: str, *, key: kms.IKey, emails: Sequence[str]
) -> sns.Topic:
    """A KMS-encrypted, TLS-only topic with one email subscription per configured address."""
    topic = sns.Topic(
        scope,
        construct_id,
        display_name="Ticket platform alerts",
        master_key=key,
        enforce_ssl=True,
    )
    for email in emails:
        topic.add_subscription(subscriptions.EmailSubscription(email))
    return topic
