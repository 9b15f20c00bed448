"""CloudWatch alarms of the real-time path, each notifying the alert topic."""

from __future__ import annotations

import re
from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

PERIOD = Duration.minutes(5)


class Alarms(Construct):
    """Any failed or timed-out execution, any function error, any message in a dead-letter queue,
    and a stream whose oldest unread record is older than the configured age.

    ``functions`` are keyed by their ``lambdas/`` folder name, ``dead_letter_queues`` by a short
    description; both keys go into the alarm's id and description.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topic: sns.ITopic,
        state_machine: sfn.StateMachine,
        functions: Mapping[str, lambda_.IFunction],
        dead_letter_queues: Mapping[str, sqs.IQueue],
        stream: kinesis.Stream,
        iterator_age_seconds: int,
    ) -> None:
        super().__init__(scope, construct_id)
        self._action = actions.SnsAction(topic)
        self.alarms: list[cloudwatch.Alarm] = []
        self._at_least_one(
            "WorkflowExecutionsFailed",
            state_machine.metric_failed(period=PERIOD, statistic="Sum"),
            "A ticket workflow execution failed: the ticket is in the workflow dead-letter queue.",
        )
        self._at_least_one(
            "WorkflowExecutionsTimedOut",
            state_machine.metric_timed_out(period=PERIOD, statistic="Sum"),
            "A ticket workflow execution timed out.",
        )
        for name, function in functions.items():
            self._at_least_one(
                f"{_camel(name)}Errors",
                function.metric_errors(period=PERIOD, statistic="Sum"),
                f"The {name} function raised errors.",
            )
        for name, queue in dead_letter_queues.items():
            self._at_least_one(
                f"{_camel(name)}DeadLetters",
                queue.metric_approximate_number_of_messages_visible(
                    period=PERIOD, statistic="Maximum"
                ),
                f"The {name} dead-letter queue holds messages: inspect and replay them.",
            )
        self._add(
            "StreamIteratorAge",
            stream.metric_get_records_iterator_age_milliseconds(period=PERIOD, statistic="Maximum"),
            threshold=iterator_age_seconds * 1000,
            comparison=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            description=(
                f"The ticket stream's oldest unread record is older than {iterator_age_seconds} s:"
                " a consumer is falling behind or stuck."
            ),
        )

    def _at_least_one(self, name: str, metric: cloudwatch.IMetric, description: str) -> None:
        self._add(
            name,
            metric,
            threshold=1,
            comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            description=description,
        )

    def _add(
        self,
        name: str,
        metric: cloudwatch.IMetric,
        *,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
        description: str,
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            name,
            metric=metric,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(self._action)
        self.alarms.append(alarm)


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name))
