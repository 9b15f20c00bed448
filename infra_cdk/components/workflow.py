"""The ticket workflow: ``lambdas/workflow/ticket_workflow.asl.json`` as it is, with its
``${Name}`` placeholders filled by CloudFormation (``DefinitionSubstitutions``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from aws_cdk import Duration, Fn, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra_cdk.components.log_groups import log_group
from infra_cdk.nag import acknowledge, wildcard_resource

DEFINITION = Path("lambdas/workflow/ticket_workflow.asl.json")
TIMEOUT = Duration.hours(1)  # above GenerateResponse's 5 attempts of a 5-minute function
_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


class WorkflowDefinitionError(ValueError):
    """The ASL file's placeholders and the stack's substitutions do not match."""


def definition_text(source_root: Path, substitutions: Mapping[str, str]) -> str:
    """The ASL file's text, after checking every placeholder has a substitution and back."""
    path = source_root / DEFINITION
    if not path.is_file():
        raise WorkflowDefinitionError(f"the workflow definition {path} does not exist")
    text = path.read_text(encoding="utf-8")
    used = set(_PLACEHOLDER.findall(text))
    if used != set(substitutions):
        raise WorkflowDefinitionError(
            f"{DEFINITION} uses placeholders {sorted(used)} but the stack substitutes "
            f"{sorted(substitutions)}: missing {sorted(used - set(substitutions)) or 'none'}, "
            f"unused {sorted(set(substitutions) - used) or 'none'}"
        )
    return text


class TicketWorkflow(Construct):
    """A standard state machine with logging (level ALL) and X-Ray tracing, whose role may call
    exactly the services of the definition's tasks."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        source_root: Path,
        response_generator: lambda_.IFunction,
        s3_writer: lambda_.IFunction,
        table: dynamodb.ITable,
        stream: kinesis.IStream,
        alert_topic: sns.ITopic,
        dead_letter_queue: sqs.IQueue,
        alert_key: kms.IKey,
        log_retention_days: int,
        include_execution_data: bool,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id)
        substitutions = {
            "ResponseGeneratorFunctionArn": response_generator.function_arn,
            "S3WriterFunctionArn": s3_writer.function_arn,
            "TicketTableName": table.table_name,
            "TicketStreamName": stream.stream_name,
            "AlertTopicArn": alert_topic.topic_arn,
            "DeadLetterQueueUrl": dead_letter_queue.queue_url,
        }
        text = definition_text(source_root, substitutions)
        # Vended-logs names keep CloudWatch's resource policy small (one entry for all of them).
        # The name ends with the stack's own id, new at every stack creation: a group retained
        # by an earlier `cdk destroy` keeps its name and never blocks the next deployment.
        stack = Stack.of(self)
        stack_uuid = Fn.select(2, Fn.split("/", stack.stack_id))
        self.log_group = log_group(
            self,
            "Logs",
            name=f"/aws/vendedlogs/states/{stack.stack_name}-ticket-workflow-{stack_uuid}",
            days=log_retention_days,
            removal_policy=removal_policy,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("states.amazonaws.com"),
            description="Ticket workflow: the calls of its tasks and nothing else",
        )
        for statement in _task_statements(
            response_generator=response_generator,
            s3_writer=s3_writer,
            table=table,
            stream=stream,
            alert_topic=alert_topic,
            dead_letter_queue=dead_letter_queue,
            alert_key=alert_key,
        ):
            self.role.add_to_policy(statement)
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_string(text),
            definition_substitutions=substitutions,
            role=self.role,
            timeout=TIMEOUT,
            tracing_enabled=True,
            logs=sfn.LogOptions(
                destination=self.log_group,
                level=sfn.LogLevel.ALL,
                include_execution_data=include_execution_data,
            ),
        )
        acknowledge(
            self.role,
            wildcard_resource("*"),
            "Resource '*' is required by comprehend:DetectSentiment, by the CloudWatch Logs "
            "log-delivery actions of Step Functions logging and by the X-Ray actions of tracing: "
            "none of them supports resource-level permissions.",
        )


def _task_statements(
    *,
    response_generator: lambda_.IFunction,
    s3_writer: lambda_.IFunction,
    table: dynamodb.ITable,
    stream: kinesis.IStream,
    alert_topic: sns.ITopic,
    dead_letter_queue: sqs.IQueue,
    alert_key: kms.IKey,
) -> list[iam.PolicyStatement]:
    return [
        iam.PolicyStatement(
            sid="DetectSentiment", actions=["comprehend:DetectSentiment"], resources=["*"]
        ),
        iam.PolicyStatement(
            sid="InvokeTaskFunctions",
            actions=["lambda:InvokeFunction"],
            resources=[response_generator.function_arn, s3_writer.function_arn],
        ),
        iam.PolicyStatement(
            sid="PutTicketMetadata", actions=["dynamodb:PutItem"], resources=[table.table_arn]
        ),
        iam.PolicyStatement(
            sid="EmitMilestones", actions=["kinesis:PutRecord"], resources=[stream.stream_arn]
        ),
        iam.PolicyStatement(
            sid="AlertHighPriority", actions=["sns:Publish"], resources=[alert_topic.topic_arn]
        ),
        iam.PolicyStatement(
            sid="DeadLetter", actions=["sqs:SendMessage"], resources=[dead_letter_queue.queue_arn]
        ),
        # Alert messages are encrypted with the topic's key.
        iam.PolicyStatement(
            sid="EncryptAlerts",
            actions=["kms:GenerateDataKey", "kms:Decrypt"],
            resources=[alert_key.key_arn],
        ),
    ]
