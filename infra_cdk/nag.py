"""cdk-nag's AwsSolutions checks, and the one way this app acknowledges a finding.

cdk-nag 3 runs as a CDK policy-validation plugin: any unacknowledged finding, error or warning,
fails synthesis with a report (``validation-report.json`` in the cloud assembly). Acknowledgements
are written to the template metadata too (``cdk_nag.rules_to_suppress``), so a deployed template
carries its own audit trail.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, App, CfnElement, Stack, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

_MIN_REASON = 40


def add_checks(app: App) -> None:
    """Run the AwsSolutions pack over the whole app at synthesis."""
    Validations.of(app).add_plugins(
        AwsSolutionsChecks(app, verbose=True, write_suppressions_to_cloud_formation=True)
    )


def acknowledge(construct: IConstruct, rule_id: str, reason: str) -> None:
    """Acknowledge one finding (``AwsSolutions-L1``, ``AwsSolutions-IAM5[Resource::*]``) on
    ``construct`` and everything under it. The reason must say why, specifically."""
    if len(reason) < _MIN_REASON:
        raise ValueError(f"acknowledging {rule_id}: give a specific reason, not {reason!r}")
    Validations.of(construct).acknowledge(Acknowledgment(id=rule_id, reason=reason))


def wildcard_resource(resource: str) -> str:
    """The finding id of an IAM5 wildcard on ``resource`` as cdk-nag renders it."""
    return f"AwsSolutions-IAM5[Resource::{resource}]"


def arn_of(construct: IConstruct) -> str:
    """How cdk-nag renders ``Fn::GetAtt <resource>.Arn`` of a construct's CloudFormation resource
    inside a finding id, e.g. ``<TicketBucket1A2B3C4D.Arn>``."""
    resource = construct.node.default_child
    if not isinstance(resource, CfnElement):
        raise TypeError(f"{construct.node.path} has no CloudFormation resource")
    return f"<{Stack.of(construct).resolve(resource.logical_id)}.Arn>"
