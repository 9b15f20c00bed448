"""Firehose: every raw event on the stream, archived to S3 as gzip JSON lines by day."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra_cdk.components.storage import EVENTS_PREFIX, FIREHOSE_ERRORS_PREFIX
from infra_cdk.nag import acknowledge, arn_of, wildcard_resource

DAY = "!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/"
EVENTS_OUTPUT_PREFIX = f"{EVENTS_PREFIX}/{DAY}"
ERROR_OUTPUT_PREFIX = f"{FIREHOSE_ERRORS_PREFIX}/!{{firehose:error-output-type}}/{DAY}"
BUFFER_SECONDS = 300
BUFFER_MB = 64
_Cfn = firehose.CfnDeliveryStream


class EventArchive(Construct):
    """A delivery stream reading the ticket stream and writing ``events/YYYY/MM/DD/*.jsonl.gz``.

    Records are written as they came, one per line (Firehose appends the newline), so the
    archive can be replayed onto the stream or loaded with a JSON-lines reader.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stream: kinesis.IStream,
        bucket: s3.IBucket,
        log_group: logs.ILogGroup,
    ) -> None:
        super().__init__(scope, construct_id)
        log_stream = logs.LogStream(
            self, "DeliveryLogs", log_group=log_group, removal_policy=RemovalPolicy.DESTROY
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("firehose.amazonaws.com"),
            description="Firehose: read the ticket stream, write the raw-event archive",
        )
        for statement in self._statements(bucket, log_group):
            self.role.add_to_policy(statement)
        stream.grant_read(self.role)
        self.delivery_stream = _Cfn(
            self,
            "DeliveryStream",
            delivery_stream_type="KinesisStreamAsSource",
            kinesis_stream_source_configuration=_Cfn.KinesisStreamSourceConfigurationProperty(
                kinesis_stream_arn=stream.stream_arn, role_arn=self.role.role_arn
            ),
            extended_s3_destination_configuration=self._destination(bucket, log_group, log_stream),
        )
        # Firehose checks its permissions when the delivery stream is created: wait for the
        # role's policy, not only the role.
        self.delivery_stream.node.add_dependency(self.role)
        self._acknowledge(bucket)

    def _statements(
        self, bucket: s3.IBucket, log_group: logs.ILogGroup
    ) -> list[iam.PolicyStatement]:
        return [
            iam.PolicyStatement(
                sid="ArchiveObjects",
                actions=["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
                resources=[
                    bucket.arn_for_objects(f"{EVENTS_PREFIX}/*"),
                    bucket.arn_for_objects(f"{FIREHOSE_ERRORS_PREFIX}/*"),
                ],
            ),
            iam.PolicyStatement(
                sid="ArchiveBucket",
                actions=[
                    "s3:GetBucketLocation",
                    "s3:ListBucket",
                    "s3:ListBucketMultipartUploads",
                ],
                resources=[bucket.bucket_arn],
            ),
            iam.PolicyStatement(
                sid="DeliveryErrorLogs",
                actions=["logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            ),
        ]

    def _destination(
        self, bucket: s3.IBucket, log_group: logs.ILogGroup, log_stream: logs.LogStream
    ) -> _Cfn.ExtendedS3DestinationConfigurationProperty:
        return _Cfn.ExtendedS3DestinationConfigurationProperty(
            bucket_arn=bucket.bucket_arn,
            role_arn=self.role.role_arn,
            prefix=EVENTS_OUTPUT_PREFIX,
            error_output_prefix=ERROR_OUTPUT_PREFIX,
            compression_format="GZIP",
            file_extension=".jsonl.gz",
            buffering_hints=_Cfn.BufferingHintsProperty(
                interval_in_seconds=BUFFER_SECONDS, size_in_m_bs=BUFFER_MB
            ),
            processing_configuration=_Cfn.ProcessingConfigurationProperty(
                enabled=True,
                processors=[
                    _Cfn.ProcessorProperty(
                        type="AppendDelimiterToRecord",
                        parameters=[
                            _Cfn.ProcessorParameterProperty(
                                parameter_name="Delimiter", parameter_value="\\n"
                            )
                        ],
                    )
                ],
            ),
            cloud_watch_logging_options=_Cfn.CloudWatchLoggingOptionsProperty(
                enabled=True,
                log_group_name=log_group.log_group_name,
                log_stream_name=log_stream.log_stream_name,
            ),
        )

    def _acknowledge(self, bucket: s3.IBucket) -> None:
        for prefix in (EVENTS_PREFIX, FIREHOSE_ERRORS_PREFIX):
            acknowledge(
                self.role,
                wildcard_resource(f"{arn_of(bucket)}/{prefix}/*"),
                f"Firehose names its objects itself (date folders, random suffixes), so it may "
                f"write any key under {prefix}/ and nothing outside it.",
            )
        acknowledge(
            self.delivery_stream,
            "AwsSolutions-KDF1",
            "The source is a Kinesis stream: Firehose server-side encryption applies only to "
            "Direct PUT sources. Records stay encrypted at rest in the stream (KMS) and in the "
            "bucket (SSE-S3).",
        )
