"""The dbt docs for analysts, behind the Dagster UI's login: a small Fargate service running
``ticket-platform docs-server`` (the code location's image) that serves the site the ``dbt_docs``
asset publishes to ``s3://<bucket>/dbt-docs``, reached through the load balancer at ``/docs``.

Why a service and not S3 + CloudFront: the load balancer already authenticates with Cognito, so
the docs need no second sign-in, no Lambda@Edge and no public bucket policy; the server reads four
files of one prefix and nothing else (its role can read nothing else either).
"""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from infra_cdk.components.batch_login import Login
from infra_cdk.components.batch_policy import LakeLayout
from infra_cdk.components.batch_tasks import TaskImage, image_task
from infra_cdk.nag import acknowledge

DOCS_PORT = 3001
DOCS_PREFIX = LakeLayout.docs
# The files transform/docs.py publishes (SITE_FILES; tests hold them equal): the server's role
# reads these four objects, no wildcard.
SITE_FILES = ("index.html", "static_index.html", "manifest.json", "catalog.json")
DOCS_BASE_PATH = "/docs"
DOCS_RULE_PRIORITY = 10


def docs_uri(bucket: s3.IBucket) -> str:
    """Where the platform publishes the site (its ``TICKET_DOCS_URI``) and the server reads it."""
    return f"s3://{bucket.bucket_name}/{DOCS_PREFIX}"


def docs_service(
    stack: Stack,
    *,
    image: TaskImage,
    cluster: ecs.ICluster,
    login: Login,
    bucket: s3.IBucket,
    desired_count: int,
) -> ecs.FargateService:
    """The docs server's service, its target group and the authenticated ``/docs`` route."""
    task = image_task(
        stack,
        "DocsServer",
        image=image,
        command=[
            *("ticket-platform", "docs-server", "--host", "0.0.0.0"),
            *("--port", str(DOCS_PORT), "--base-path", DOCS_BASE_PATH),
        ],
        environment={"TICKET_DOCS_URI": docs_uri(bucket)},
        secrets={},
        port=DOCS_PORT,
        cpu=256,
        memory=512,
    )
    task.task_role.add_to_principal_policy(
        iam.PolicyStatement(
            sid="ReadDocsSite",
            actions=["s3:GetObject"],
            resources=[bucket.arn_for_objects(f"{DOCS_PREFIX}/{name}") for name in SITE_FILES],
        )
    )
    acknowledge(
        task,
        "AwsSolutions-ECS2",
        "TICKET_DOCS_URI names the bucket and prefix the server reads; it is no secret (the "
        "task role can read only that prefix).",
    )
    # Its own group: the docs server reaches S3 and nothing of the Dagster tasks (gRPC, RDS). The
    # load balancer's rule to it (and back) is added by CDK when the target group joins the
    # listener.
    security_group = ec2.SecurityGroup(
        stack, "DocsSecurityGroup", vpc=cluster.vpc, description="dbt docs server"
    )
    service = ecs.FargateService(
        stack,
        "DocsServerService",
        cluster=cluster,
        task_definition=task,
        desired_count=desired_count,
        security_groups=[security_group],
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
        min_healthy_percent=100,
        max_healthy_percent=200,
    )
    targets = elbv2.ApplicationTargetGroup(
        stack,
        "DocsTargets",
        vpc=cluster.vpc,
        port=DOCS_PORT,
        protocol=elbv2.ApplicationProtocol.HTTP,
        targets=[service],
        health_check=elbv2.HealthCheck(path="/health", healthy_http_codes="200"),
        deregistration_delay=Duration.seconds(10),
    )
    login.route(
        "DocsRoute",
        paths=[DOCS_BASE_PATH, f"{DOCS_BASE_PATH}/*"],
        target=targets,
        priority=DOCS_RULE_PRIORITY,
    )
    return service
