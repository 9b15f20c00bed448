"""The ticket bucket (tickets, raw events, Redshift staging), its access-log bucket, and the
DynamoDB table of ticket metadata and lifecycle history."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra_cdk import checkov
from infra_cdk.config import AppConfig

TICKETS_PREFIX = "tickets"
EVENTS_PREFIX = "events"
FIREHOSE_ERRORS_PREFIX = "errors/firehose"
FIREHOSE_ERRORS_DAYS = 90
NONCURRENT_VERSION_DAYS = 30
# Raw events move to cheaper classes once they are only read for replays and audits.
EVENTS_INFREQUENT_ACCESS_DAYS = 30
EVENTS_GLACIER_IR_DAYS = 90


class TicketStorage(Construct):
    """S3 and DynamoDB of the real-time path.

    Buckets are always retained on stack deletion (CloudFormation cannot delete a non-empty
    bucket); the table follows ``removalPolicy``.
    """

    def __init__(self, scope: Construct, construct_id: str, *, config: AppConfig) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-access-logs",
                    expiration=Duration.days(config.access_log_retention_days),
                )
            ],
        )
        self.bucket = s3.Bucket(
            self,
            "Tickets",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="ticket-bucket/",
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=_lifecycle_rules(config),
        )
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name="ticket_id", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=config.retain_data,
            removal_policy=RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY,
        )
        checkov.skip(
            self.access_logs,
            "CKV_AWS_18",
            "This is the access-log destination of the ticket bucket: logging it into itself "
            "would log its own log deliveries.",
        )
        checkov.skip(
            self.access_logs,
            "CKV_AWS_21",
            "Access logs are written once by S3 log delivery and expire by lifecycle; "
            "versioning would only keep expired logs as non-current versions.",
        )
        checkov.skip(
            self.table,
            "CKV_AWS_119",
            "Encrypted with the AWS managed key (aws/dynamodb): no other account or service reads "
            "the table, so a customer-managed key would add a key policy to maintain and "
            "per-request KMS cost without narrowing who can decrypt.",
        )


def _lifecycle_rules(config: AppConfig) -> list[s3.LifecycleRule]:
    expire_events = config.events_retention_days
    transitions = [
        s3.Transition(storage_class=storage_class, transition_after=Duration.days(days))
        for storage_class, days in (
            (s3.StorageClass.INFREQUENT_ACCESS, EVENTS_INFREQUENT_ACCESS_DAYS),
            (s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, EVENTS_GLACIER_IR_DAYS),
        )
        if expire_events == 0 or days < expire_events
    ]
    return [
        s3.LifecycleRule(
            id="bucket-hygiene",
            abort_incomplete_multipart_upload_after=Duration.days(7),
            noncurrent_version_expiration=Duration.days(NONCURRENT_VERSION_DAYS),
        ),
        s3.LifecycleRule(
            id="raw-events",
            prefix=f"{EVENTS_PREFIX}/",
            transitions=transitions or None,
            expiration=Duration.days(expire_events) if expire_events else None,
        ),
        s3.LifecycleRule(
            id="firehose-errors",
            prefix=f"{FIREHOSE_ERRORS_PREFIX}/",
            expiration=Duration.days(FIREHOSE_ERRORS_DAYS),
        ),
        # The batch platform deletes each COPY batch after loading; this catches leftovers of
        # loads that failed half-way.
        s3.LifecycleRule(
            id="redshift-staging",
            prefix=f"{config.staging_prefix}/",
            expiration=Duration.days(config.staging_retention_days),
        ),
    ]
