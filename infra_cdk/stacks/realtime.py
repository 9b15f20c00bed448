"""The real-time path in one stack: stream → trigger → workflow → S3/DynamoDB/SNS, the raw-event
archive, the schema registry of the stream's events, alarms, and the warehouse's access to the
bucket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import Annotations, CfnOutput, RemovalPolicy, Stack, Tags
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra_cdk import checkov
from infra_cdk.bundling import (
    DEFAULT_BUILD_DIR,
    NO_PYTHON_312,
    REPO_ROOT,
    BundlingError,
    Compiler,
    bytecode_compiler,
    dependency_layer,
)
from infra_cdk.components import handlers
from infra_cdk.components.alarms import Alarms
from infra_cdk.components.alerts import alert_topic
from infra_cdk.components.archive import EventArchive
from infra_cdk.components.event_schemas import EventSchemas
from infra_cdk.components.functions import ARCHITECTURE, RUNTIME, FunctionDefaults
from infra_cdk.components.keys import alert_key
from infra_cdk.components.log_groups import log_group
from infra_cdk.components.queues import dead_letter_queue
from infra_cdk.components.storage import TicketStorage
from infra_cdk.components.stream import ticket_stream
from infra_cdk.components.warehouse import WarehouseAccess
from infra_cdk.components.workflow import TicketWorkflow
from infra_cdk.config import AppConfig

EMPTY_LAYER_WARNING = (
    "lambdaDependencies=skip: the dependency layer is EMPTY (pydantic, orjson, langchain-aws are "
    "missing). Fine for synth and tests; do not deploy this assembly."
)


class TicketRealtimeStack(Stack):
    """Everything the real-time path needs in one account and region.

    ``source_root`` is the repository holding ``lambdas/`` and ``ticket_platform/contracts/``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: AppConfig,
        source_root: Path = REPO_ROOT,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            description="Ticket platform real-time path: Kinesis, Step Functions, Lambda, "
            "Bedrock, DynamoDB, S3, Firehose, alarms (infra_cdk/)",
            **kwargs,
        )
        Tags.of(self).add("project", "ticket-platform")
        Tags.of(self).add("environment", config.env_name)
        removal = RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY

        key = alert_key(self, "AlertKey", removal_policy=removal)
        storage = TicketStorage(self, "Storage", config=config)
        topic = alert_topic(self, "AlertTopic", key=key, emails=config.alert_emails)
        stream = ticket_stream(
            self,
            "TicketStream",
            retention_hours=config.stream_retention_hours,
            removal_policy=removal,
        )
        schemas = EventSchemas(
            self, "EventSchemas", registry_name=f"ticket-platform-{config.env_name}-events"
        )
        archive_logs = log_group(
            self, "ArchiveLogs", days=config.log_retention_days, removal_policy=removal
        )
        EventArchive(
            self, "EventArchive", stream=stream, bucket=storage.bucket, log_group=archive_logs
        )
        queues = {
            "workflow": dead_letter_queue(
                self,
                "WorkflowDeadLetters",
                holds="the state of tickets whose workflow failed",
                removal_policy=removal,
            ),
            "trigger_sfn failures": dead_letter_queue(
                self,
                "TriggerFailures",
                holds="stream positions of records trigger_sfn gave up on",
                removal_policy=removal,
            ),
            "status_recorder failures": dead_letter_queue(
                self,
                "RecorderFailures",
                holds="stream positions of records status_recorder gave up on",
                removal_policy=removal,
            ),
        }
        # A deployable build ships bytecode (Lambda cannot cache it: code is read-only there).
        compiler = None
        if config.lambda_dependencies == "build":
            compiler = bytecode_compiler(config.lambda_python)
            if compiler is None:
                raise BundlingError(NO_PYTHON_312)
        defaults = FunctionDefaults(
            layer=self._layer(config, compiler),
            source_root=source_root,
            build_dir=config.build_dir or DEFAULT_BUILD_DIR,
            log_retention_days=config.log_retention_days,
            removal_policy=removal,
            compiler=compiler,
        )
        responder = handlers.response_generator(self, defaults, config)
        writer = handlers.s3_writer(self, defaults, storage.bucket)
        workflow = TicketWorkflow(
            self,
            "Workflow",
            source_root=source_root,
            response_generator=responder.function,
            s3_writer=writer.function,
            table=storage.table,
            stream=stream,
            alert_topic=topic,
            dead_letter_queue=queues["workflow"],
            alert_key=key,
            log_retention_days=config.log_retention_days,
            include_execution_data=config.workflow_log_execution_data,
            removal_policy=removal,
        )
        trigger = handlers.trigger_sfn(
            self,
            defaults,
            state_machine=workflow.state_machine,
            stream=stream,
            failures=queues["trigger_sfn failures"],
        )
        recorder = handlers.status_recorder(
            self,
            defaults,
            table=storage.table,
            stream=stream,
            failures=queues["status_recorder failures"],
        )
        Alarms(
            self,
            "Alarms",
            topic=topic,
            state_machine=workflow.state_machine,
            functions={
                "trigger_sfn": trigger.function,
                "response_generator": responder.function,
                "s3_writer": writer.function,
                "status_recorder": recorder.function,
            },
            dead_letter_queues=queues,
            stream=stream,
            iterator_age_seconds=config.iterator_age_alarm_seconds,
        )
        warehouse = WarehouseAccess(
            self,
            "Warehouse",
            bucket=storage.bucket,
            config=config,
            alert_topic=topic,
            alert_key=key,
        )
        checkov.skip(
            warehouse.secret,
            "CKV_AWS_149",
            "Encrypted with the AWS managed key (aws/secretsmanager); only this account's "
            "batch-platform role reads it, and a customer-managed key would have to be granted to "
            "that role as well without narrowing who can read it.",
        )

        bucket_name = storage.bucket.bucket_name
        self._outputs(
            BucketName=(bucket_name, "ticket bucket (tickets/, events/, staging)"),
            LandingUri=(f"s3://{bucket_name}", "TICKET_LANDING_URI of the batch platform"),
            StagingUri=(
                f"s3://{bucket_name}/{config.staging_prefix}",
                "TICKET_REDSHIFT_STAGING_URI of the batch platform",
            ),
            StreamName=(stream.stream_name, "Kinesis stream of ticket events"),
            EventSchemaRegistryName=(
                schemas.registry.attr_registry_name,
                "EventBridge Schemas registry of the stream's events",
            ),
            StateMachineArn=(workflow.state_machine.state_machine_arn, "ticket workflow"),
            TableName=(storage.table.table_name, "DynamoDB ticket metadata and lifecycle"),
            AlertTopicArn=(topic.topic_arn, "SNS alert topic"),
            AlertKeyArn=(key.key_arn, "KMS key of the alert topic (batchAlertKeyArn)"),
            WorkflowDeadLetterQueueUrl=(queues["workflow"].queue_url, "failed tickets"),
            RedshiftCopyRoleArn=(
                warehouse.copy_role.role_arn,
                "TICKET_REDSHIFT_IAM_ROLE_ARN: associate it with the warehouse",
            ),
            WarehouseSecretArn=(warehouse.secret.secret_arn, "warehouse user credentials"),
            BatchPlatformPolicyArn=(
                warehouse.batch_policy.managed_policy_arn,
                "attach to the batch platform's role",
            ),
        )

    def _layer(self, config: AppConfig, compiler: Compiler | None) -> lambda_.LayerVersion:
        folder = dependency_layer(
            config.lambda_dependencies,
            build_dir=config.build_dir or DEFAULT_BUILD_DIR,
            compiler=compiler,
        )
        layer = lambda_.LayerVersion(
            self,
            "Dependencies",
            code=lambda_.Code.from_asset(str(folder)),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="pydantic, orjson, langchain-aws (infra_cdk/lambda_requirements.txt)",
        )
        if config.lambda_dependencies == "skip":
            # Printed by `cdk synth`; `cdk synth --strict` turns it into an error.
            Annotations.of(layer).add_warning_v2("ticket-platform:empty-layer", EMPTY_LAYER_WARNING)
        return layer

    def _outputs(self, **outputs: tuple[str, str]) -> None:
        for name, (value, description) in outputs.items():
            CfnOutput(self, name, value=value, description=description)
