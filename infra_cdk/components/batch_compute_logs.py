"""Where each run step's stdout/stderr goes (deploy/dagster.yaml ``S3ComputeLogManager``): a
bucket of this stack, written by the runs and the code server, read by the webserver."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from infra_cdk import checkov
from infra_cdk.nag import acknowledge, arn_of, wildcard_resource

COMPUTE_LOGS_PREFIX = "compute-logs"


class ComputeLogs:
    def __init__(self, stack: Stack) -> None:
        self.bucket = s3.Bucket(
            stack,
            "ComputeLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            lifecycle_rules=[
                s3.LifecycleRule(expiration=Duration.days(90)),
                s3.LifecycleRule(noncurrent_version_expiration=Duration.days(7)),
                s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(7)),
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.prefix = COMPUTE_LOGS_PREFIX
        acknowledge(
            self.bucket,
            "AwsSolutions-S1",
            "The bucket holds Dagster op output written and read only by this stack's task "
            "roles; CloudTrail records who reads it. A second log bucket would log the logs.",
        )
        checkov.skip(
            self.bucket,
            "CKV_AWS_18",
            "Dagster op output, written and read only by this stack's task roles (CloudTrail "
            "records access); access logs of a log bucket would need yet another bucket.",
        )

    def grant_write(self, role: iam.IRole) -> None:
        """S3ComputeLogManager uploads each step's output (PutObject, multipart included)."""
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="WriteComputeLogs",
                actions=["s3:PutObject"],
                resources=[self.bucket.arn_for_objects(f"{self.prefix}/*")],
            )
        )
        self._explain(role)

    def grant_read(self, role: iam.IRole) -> None:
        """The UI shows each step's stdout/stderr from the bucket."""
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="ReadComputeLogs",
                actions=["s3:GetObject"],
                resources=[self.bucket.arn_for_objects(f"{self.prefix}/*")],
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="ListComputeLogs",
                actions=["s3:ListBucket"],
                resources=[self.bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{self.prefix}/*"]}},
            )
        )
        self._explain(role)

    def _explain(self, role: iam.IRole) -> None:
        acknowledge(
            role,
            wildcard_resource(f"{arn_of(self.bucket)}/{self.prefix}/*"),
            "Compute-log keys are named per run and step by Dagster's S3ComputeLogManager at "
            "run time; access is limited to the compute-logs/ prefix of this stack's bucket.",
        )
