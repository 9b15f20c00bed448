"""The four functions of ``lambdas/``, each with its environment and exactly its permissions
(see lambdas/README.md for what each one does)."""

from __future__ import annotations

from aws_cdk import Aws, Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra_cdk.components.bedrock import invoke_model_resources, is_inference_profile
from infra_cdk.components.functions import FunctionDefaults, TicketFunction
from infra_cdk.components.storage import TICKETS_PREFIX
from infra_cdk.config import AppConfig
from infra_cdk.nag import acknowledge, arn_of, wildcard_resource

RECORD_SOURCE = "realtime"


def response_generator(
    scope: Construct, defaults: FunctionDefaults, config: AppConfig
) -> TicketFunction:
    """Bedrock (ChatBedrockConverse): may invoke the configured model and nothing else."""
    environment = {
        "BEDROCK_MODEL_ID": config.bedrock_model_id,
        "BEDROCK_TEMPERATURE": str(config.bedrock_temperature),
    }
    if config.bedrock_region:
        environment["BEDROCK_REGION"] = config.bedrock_region
    if config.prompt_version:
        environment["PROMPT_VERSION"] = config.prompt_version
    function = TicketFunction(
        scope,
        "ResponseGenerator",
        name="response_generator",
        description="Ticket workflow: customer response, priority and reasoning from Bedrock",
        defaults=defaults,
        environment=environment,
        # The Bedrock client makes up to 3 attempts with a 60 s read timeout each.
        timeout=Duration.minutes(5),
        memory_size=1024,
    )
    resources = invoke_model_resources(
        config.bedrock_model_id,
        partition=Aws.PARTITION,
        region=config.bedrock_region or Aws.REGION,
        account=Aws.ACCOUNT_ID,
    )
    function.role.add_to_policy(
        iam.PolicyStatement(sid="InvokeModel", actions=["bedrock:InvokeModel"], resources=resources)
    )
    if is_inference_profile(config.bedrock_model_id):
        model = config.bedrock_model_id.split(".", 1)[1]
        acknowledge(
            function.role,
            wildcard_resource(f"arn:<AWS::Partition>:bedrock:*::foundation-model/{model}"),
            f"{config.bedrock_model_id} is a cross-region inference profile: Bedrock serves it "
            "from the model in any region of the profile, which AWS may extend. Only the region "
            "is a wildcard; the model id is exact.",
        )
    return function


def s3_writer(scope: Construct, defaults: FunctionDefaults, bucket: s3.IBucket) -> TicketFunction:
    """Reads and writes ``tickets/*`` objects (it compares before it writes); nothing else."""
    function = TicketFunction(
        scope,
        "S3Writer",
        name="s3_writer",
        description="Ticket workflow: the flat processed ticket at tickets/YYYY/MM/DD/",
        defaults=defaults,
        environment={
            "TICKET_BUCKET": bucket.bucket_name,
            "TICKET_PREFIX": TICKETS_PREFIX,
            "RECORD_SOURCE": RECORD_SOURCE,
        },
    )
    function.role.add_to_policy(
        iam.PolicyStatement(
            sid="TicketObjects",
            actions=["s3:GetObject", "s3:PutObject"],
            resources=[bucket.arn_for_objects(f"{TICKETS_PREFIX}/*")],
        )
    )
    # Without ListBucket, reading a key that does not exist yet is AccessDenied, not NoSuchKey.
    function.role.add_to_policy(
        iam.PolicyStatement(
            sid="TicketKeysExist",
            actions=["s3:ListBucket"],
            resources=[bucket.bucket_arn],
            conditions={"StringLike": {"s3:prefix": [f"{TICKETS_PREFIX}/*"]}},
        )
    )
    acknowledge(
        function.role,
        wildcard_resource(f"{arn_of(bucket)}/{TICKETS_PREFIX}/*"),
        "The writer stores one object per ticket at tickets/YYYY/MM/DD/ticket_<id>.json, a key "
        "known only at run time: access is limited to the tickets/ prefix by design.",
    )
    return function


def status_recorder(
    scope: Construct,
    defaults: FunctionDefaults,
    *,
    table: dynamodb.ITable,
    stream: kinesis.IStream,
    failures: sqs.IQueue,
) -> TicketFunction:
    """Consumes every stream event into the lifecycle history: PutItem/UpdateItem on the table."""
    function = TicketFunction(
        scope,
        "StatusRecorder",
        name="status_recorder",
        description="Ticket lifecycle: every stream event into the DynamoDB history and state",
        defaults=defaults,
        environment={"TICKET_TABLE": table.table_name},
    )
    function.role.add_to_policy(
        iam.PolicyStatement(
            sid="LifecycleItems",
            actions=["dynamodb:PutItem", "dynamodb:UpdateItem"],
            resources=[table.table_arn],
        )
    )
    function.consume(stream, on_failure=failures)
    return function


def trigger_sfn(
    scope: Construct,
    defaults: FunctionDefaults,
    *,
    state_machine: sfn.IStateMachine,
    stream: kinesis.IStream,
    failures: sqs.IQueue,
) -> TicketFunction:
    """Starts one workflow execution per TicketSubmitted: states:StartExecution, nothing more."""
    function = TicketFunction(
        scope,
        "TriggerSfn",
        name="trigger_sfn",
        description="Ticket stream: one workflow execution per TicketSubmitted event",
        defaults=defaults,
        environment={"STATE_MACHINE_ARN": state_machine.state_machine_arn},
        timeout=Duration.seconds(60),
    )
    state_machine.grant_start_execution(function.role)
    function.consume(stream, on_failure=failures)
    return function
