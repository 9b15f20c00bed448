"""One Lambda function of ``lambdas/<name>``: its own role, log group, tracing and the layer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra_cdk import checkov
from infra_cdk.bundling import Compiler, function_bundle
from infra_cdk.components.log_groups import log_group
from infra_cdk.nag import acknowledge, wildcard_resource

# checkov findings every function of the stack shares, and why they do not apply.
FUNCTION_CHECKOV_SKIPS = {
    "CKV_AWS_116": "No invocation is asynchronous: the stream consumers run from a Kinesis event "
    "source mapping (failed records go to its on-failure SQS queue) and the workflow invokes the "
    "other two synchronously (a failure goes to the workflow's Catch and dead-letter queue). A "
    "function DLQ only ever receives asynchronous events.",
    "CKV_AWS_117": "The functions call only AWS service endpoints (Kinesis, Step Functions, "
    "DynamoDB, S3, Bedrock) with IAM authentication and reach nothing in a private network; a VPC "
    "would add NAT or interface endpoints for every one of those services.",
    "CKV_AWS_115": "Concurrency is bounded by the Kinesis event source (one batch per shard at a "
    "time) and, for the workflow's tasks, by the executions it starts; reserved concurrency "
    "fails to deploy on accounts whose concurrency quota is still the new-account default.",
    "CKV_AWS_173": "The environment holds resource names, the model id and settings, no secret; "
    "Lambda encrypts it at rest with its service key.",
}
RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.X86_64
DEFAULT_TIMEOUT = Duration.seconds(30)


@dataclass(frozen=True)
class FunctionDefaults:
    """What every function of the stack shares."""

    layer: lambda_.ILayerVersion
    source_root: Path
    build_dir: Path
    log_retention_days: int
    removal_policy: RemovalPolicy
    compiler: Compiler | None = None  # bytecode of the function code (deployable builds)


class TicketFunction(Construct):
    """``lambdas.<name>.handler.handler`` on Python 3.12 with X-Ray tracing.

    The role starts empty (no AWS managed policy): it may write to the function's own log group
    and X-Ray; callers grant anything else explicitly.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        description: str,
        defaults: FunctionDefaults,
        environment: Mapping[str, str],
        timeout: Duration = DEFAULT_TIMEOUT,
        memory_size: int = 256,
    ) -> None:
        super().__init__(scope, construct_id)
        self.log_group = log_group(
            self,
            "Logs",
            days=defaults.log_retention_days,
            removal_policy=defaults.removal_policy,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Lambda {name}: only what the function calls",
        )
        self.log_group.grant_write(self.role)
        bundle = function_bundle(
            name,
            source_root=defaults.source_root,
            build_dir=defaults.build_dir,
            compiler=defaults.compiler,
        )
        self.function = lambda_.Function(
            self,
            "Function",
            description=description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=f"lambdas.{name}.handler.handler",
            code=lambda_.Code.from_asset(str(bundle)),
            layers=[defaults.layer],
            role=self.role,
            environment=dict(environment),
            tracing=lambda_.Tracing.ACTIVE,
            log_group=self.log_group,
            timeout=timeout,
            memory_size=memory_size,
        )
        acknowledge(
            self.role,
            wildcard_resource("*"),
            "X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support "
            "resource-level permissions, so their resource is always '*'.",
        )
        for check_id, reason in FUNCTION_CHECKOV_SKIPS.items():
            checkov.skip(self.function, check_id, reason)
        acknowledge(
            self.function,
            "AwsSolutions-L1",
            "Pinned to python3.12 on purpose: the dependency layer is built from cp312 wheels "
            "(pip --python-version 3.12) and the contract is tested on it; the runtime and the "
            "layer build move to a newer Python together.",
        )

    def consume(
        self,
        stream: kinesis.IStream,
        *,
        on_failure: sqs.IQueue,
        batch_size: int = 100,
        retry_attempts: int = 10,
    ) -> None:
        """Read ``stream`` in batches; the handler reports failed records (ReportBatchItemFailures)
        and a failing batch is split in two until the bad record is alone; after the retries the
        record's position goes to ``on_failure``."""
        self.function.add_event_source(
            event_sources.KinesisEventSource(
                stream,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=batch_size,
                max_batching_window=Duration.seconds(1),
                bisect_batch_on_error=True,
                report_batch_item_failures=True,
                retry_attempts=retry_attempts,
                max_record_age=Duration.days(1),
                parallelization_factor=1,
                on_failure=event_sources.SqsDlq(on_failure),
            )
        )
