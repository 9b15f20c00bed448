"""The batch platform's (Dagster's) managed policy: exactly what its production code calls.

Each statement names the code path that needs it; ``tests/infra/test_batch_policy_*`` run those
paths against moto with IAM enforced, as a user holding only this policy, and pin the policy to
that list (nothing beyond it).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra_cdk.components.bedrock import invoke_model_resources, is_inference_profile
from infra_cdk.nag import acknowledge, arn_of, wildcard_resource


@dataclass(frozen=True)
class LakeLayout:
    """Where the batch platform reads and writes, relative to the landing root
    (``TICKET_LANDING_URI=s3://<bucket>``). Each default is the constant of the code that uses it
    (``tests/infra/test_batch_policy_scope.py`` holds them equal)."""

    tickets: str = "tickets"  # ingest/layout.py TICKETS_PREFIX: read, listed by day
    events: str = "events"  # ingest/layout.py EVENTS_PREFIX: read, listed by day
    feedback: str = "feedback"  # routing/feedback.py FEEDBACK_PREFIX: read, listed
    models: str = "models/routing"  # routing/artifacts.py MODELS_PREFIX: read and written
    processed: str = "processed"  # reports/export.py PROCESSED_PREFIX: Parquet written
    dashboard_key: str = "reports/support_dashboard.html"  # reports/assets.py DASHBOARD_KEY
    docs: str = "dbt-docs"  # TICKET_DOCS_URI=s3://<bucket>/dbt-docs (transform/docs.py)


class BatchPlatformPolicy(iam.ManagedPolicy):
    """A managed policy for the role the batch platform runs as (the ECS task role).

    ``staging_prefix`` is where Redshift COPY batches are staged (TICKET_REDSHIFT_STAGING_URI);
    ``judge_model_id`` the Bedrock model or inference profile of the judge (TICKET_JUDGE_MODEL),
    called in ``judge_region`` (the platform's AWS_REGION; the stack's region by default).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bucket: s3.IBucket,
        staging_prefix: str,
        secret: secretsmanager.ISecret,
        alert_topic: sns.ITopic,
        alert_key: kms.IKey,
        judge_model_id: str,
        judge_region: str | None = None,
        layout: LakeLayout | None = None,
    ) -> None:
        layout = layout or LakeLayout()
        objects = bucket.arn_for_objects
        super().__init__(
            scope,
            construct_id,
            description="Ticket platform batch side (Dagster): read landed tickets, events and "
            "feedback; read/write routing models; write Parquet exports, the dashboard and the "
            "dbt docs; stage COPY batches; read the warehouse secret; invoke the judge's model; "
            "publish alerts",
            statements=[
                # ingest/ (sensor and load of tickets and events), routing/feedback.py.
                iam.PolicyStatement(
                    sid="ReadLandedFiles",
                    actions=["s3:GetObject"],
                    resources=[
                        objects(f"{prefix}/*")
                        for prefix in (layout.tickets, layout.events, layout.feedback)
                    ],
                ),
                # Listings by day and of feedback/; models/routing/ so that a missing
                # current.json (no model promoted yet) reads as 404, not 403.
                iam.PolicyStatement(
                    sid="ListLandedPrefixes",
                    actions=["s3:ListBucket"],
                    resources=[bucket.bucket_arn],
                    conditions={
                        "StringLike": {
                            "s3:prefix": [
                                f"{prefix}/*"
                                for prefix in (
                                    layout.tickets,
                                    layout.events,
                                    layout.feedback,
                                    layout.models,
                                )
                            ]
                        }
                    },
                ),
                # routing/artifacts.py: save, promote, propose, load.
                iam.PolicyStatement(
                    sid="RoutingModels",
                    actions=["s3:GetObject", "s3:PutObject"],
                    resources=[objects(f"{layout.models}/*")],
                ),
                # reports/export.py: processed/<schema>/<table>/<table>.parquet.
                iam.PolicyStatement(
                    sid="WriteProcessedExports",
                    actions=["s3:PutObject"],
                    resources=[objects(f"{layout.processed}/*")],
                ),
                # reports/assets.py: the one dashboard page.
                iam.PolicyStatement(
                    sid="WriteDashboard",
                    actions=["s3:PutObject"],
                    resources=[objects(layout.dashboard_key)],
                ),
                # transform/docs.py: upload_file (multipart parts are PutObject too).
                iam.PolicyStatement(
                    sid="PublishDocs",
                    actions=["s3:PutObject"],
                    resources=[objects(f"{layout.docs}/*")],
                ),
                # warehouse/postgres_engine.py: put each batch and manifest, delete after COPY.
                iam.PolicyStatement(
                    sid="StageCopyBatches",
                    actions=["s3:PutObject", "s3:DeleteObject"],
                    resources=[objects(f"{staging_prefix}/*")],
                ),
                # README: the password is read from the secret where it is not injected by ECS.
                iam.PolicyStatement(
                    sid="WarehouseCredentials",
                    actions=["secretsmanager:GetSecretValue"],
                    resources=[secret.secret_arn],
                ),
                # evaluation/llm.py: Converse is authorized as bedrock:InvokeModel.
                iam.PolicyStatement(
                    sid="InvokeJudgeModel",
                    actions=["bedrock:InvokeModel"],
                    resources=invoke_model_resources(
                        judge_model_id,
                        partition=Aws.PARTITION,
                        region=judge_region or Aws.REGION,
                        account=Aws.ACCOUNT_ID,
                    ),
                ),
                # alerts/channels.py: publish to the alert topic...
                iam.PolicyStatement(
                    sid="PublishAlerts",
                    actions=["sns:Publish"],
                    resources=[alert_topic.topic_arn],
                ),
                # ...which is encrypted with the alert key: SNS needs both on the publisher.
                iam.PolicyStatement(
                    sid="EncryptAlerts",
                    actions=["kms:GenerateDataKey", "kms:Decrypt"],
                    resources=[alert_key.key_arn],
                ),
            ],
        )
        self.docs_uri = f"s3://{bucket.bucket_name}/{layout.docs}"  # TICKET_DOCS_URI
        self._acknowledge(bucket, layout, staging_prefix, judge_model_id)

    def _acknowledge(
        self,
        bucket: s3.IBucket,
        layout: LakeLayout,
        staging_prefix: str,
        judge_model_id: str,
    ) -> None:
        reasons = {
            layout.tickets: "processed tickets, one object per ticket under date folders",
            layout.events: "raw events, objects named by Firehose under date folders",
            layout.feedback: "analysts' routing corrections, files named by whoever drops them",
            layout.models: "routing models, one folder per content-hash version",
            layout.processed: "Parquet exports, one folder per exported table",
            layout.docs: "the dbt docs site, rewritten after each build",
            staging_prefix: "COPY batches and manifests, named per load by the batch platform",
        }
        for prefix, reason in reasons.items():
            acknowledge(
                self,
                wildcard_resource(f"{_nag_bucket_arn(bucket)}/{prefix}/*"),
                f"Object keys under {prefix}/ ({reason}) are only known at run time; access is "
                "limited to this prefix by design.",
            )
        if is_inference_profile(judge_model_id):
            model = judge_model_id.split(".", 1)[1]
            acknowledge(
                self,
                wildcard_resource(f"arn:<AWS::Partition>:bedrock:*::foundation-model/{model}"),
                f"{judge_model_id} is a cross-region inference profile: Bedrock serves it from "
                "the model in any region of the profile, which AWS may extend. Only the region "
                "is a wildcard; the model id is exact.",
            )


def _nag_bucket_arn(bucket: s3.IBucket) -> str:
    """The bucket's ARN as cdk-nag renders it: ``<Logical.Arn>`` for a bucket of this app, the
    literal ARN for one imported by name (the batch stack deployed alone)."""
    if bucket.node.default_child is not None:
        return arn_of(bucket)
    return f"arn:<AWS::Partition>:s3:::{bucket.bucket_name}"
