"""CloudWatch log groups with the configured retention."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra_cdk import checkov

_RETENTION = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    120: logs.RetentionDays.FOUR_MONTHS,
    150: logs.RetentionDays.FIVE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    400: logs.RetentionDays.THIRTEEN_MONTHS,
    545: logs.RetentionDays.EIGHTEEN_MONTHS,
    731: logs.RetentionDays.TWO_YEARS,
    1096: logs.RetentionDays.THREE_YEARS,
    1827: logs.RetentionDays.FIVE_YEARS,
    2192: logs.RetentionDays.SIX_YEARS,
    2557: logs.RetentionDays.SEVEN_YEARS,
    2922: logs.RetentionDays.EIGHT_YEARS,
    3288: logs.RetentionDays.NINE_YEARS,
    3653: logs.RetentionDays.TEN_YEARS,
}


def retention(days: int) -> logs.RetentionDays:
    """The CloudWatch retention of ``days`` (one of ``config.LOG_RETENTION_DAYS``)."""
    return _RETENTION[days]


def log_group(
    scope: Construct,
    construct_id: str,
    *,
    days: int,
    removal_policy: RemovalPolicy,
    name: str | None = None,
) -> logs.LogGroup:
    """A log group kept ``days`` days."""
    group = logs.LogGroup(
        scope,
        construct_id,
        log_group_name=name,
        retention=retention(days),
        removal_policy=removal_policy,
    )
    checkov.skip(
        group,
        "CKV_AWS_158",
        "CloudWatch Logs encrypts every log group at rest; the functions log ids and counts, not "
        "ticket text, and the workflow logs no execution data unless workflowLogExecutionData is "
        "set. A customer-managed key would need a key policy for the Logs service in each region.",
    )
    return group
