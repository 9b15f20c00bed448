"""What Dagster's ``EcsRunLauncher`` calls (docs/deployment.md, Permissions): the daemon registers
each run's task definition and starts it; the daemon and the webserver watch and stop runs."""

from __future__ import annotations

from aws_cdk import Aws, Stack
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager

from infra_cdk.components.batch_tasks import PULL_REASON
from infra_cdk.nag import acknowledge, wildcard_resource

RUN_TASK_FAMILY_PREFIX = "ticket-run"  # deploy/dagster.yaml task_definition_prefix


class RunRoles:
    """The two roles the launcher registers each run's task definition with."""

    def __init__(
        self,
        stack: Stack,
        *,
        repository: ecr.IRepository,
        logs_group: logs.ILogGroup,
        injected_secrets: list[secretsmanager.ISecret],
    ) -> None:
        self.task_role = iam.Role(
            stack,
            "RunTaskRole",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description="Dagster runs: the batch platform's data permissions, no ECS control",
        )
        self.execution_role = iam.Role(
            stack,
            "RunExecutionRole",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description="Dagster runs: pull the image, read the injected secrets, write logs",
        )
        repository.grant_pull(self.execution_role)
        logs_group.grant_write(self.execution_role)
        self.execution_role.add_to_policy(
            iam.PolicyStatement(
                sid="InjectedSecrets",
                actions=["secretsmanager:GetSecretValue"],
                resources=[secret.secret_arn for secret in injected_secrets],
            )
        )
        acknowledge(self.execution_role, wildcard_resource("*"), PULL_REASON)


def cluster_tasks_arn(cluster: ecs.ICluster) -> str:
    return f"arn:{Aws.PARTITION}:ecs:{Aws.REGION}:{Aws.ACCOUNT_ID}:task/{cluster.cluster_name}/*"


def grant_launch_runs(
    role: iam.IRole,
    *,
    cluster: ecs.ICluster,
    run_roles: list[iam.IRole],
    run_logs: logs.ILogGroup,
) -> None:
    """The daemon's grants: register and run task definitions of the run family on ``cluster``,
    pass exactly ``run_roles`` to them, read their logs; and watch and stop them."""
    task_defs = (
        f"arn:{Aws.PARTITION}:ecs:{Aws.REGION}:{Aws.ACCOUNT_ID}:task-definition/"
        f"{RUN_TASK_FAMILY_PREFIX}*:*"
    )
    statements = [
        iam.PolicyStatement(
            sid="RegisterRunTaskDefinitions",
            # Neither action supports resource-level permissions.
            actions=["ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="RunTasks",
            actions=["ecs:RunTask"],
            resources=[task_defs],
            conditions={"ArnEquals": {"ecs:cluster": cluster.cluster_arn}},
        ),
        iam.PolicyStatement(
            sid="TagRunTasks",
            actions=["ecs:TagResource"],
            resources=[cluster_tasks_arn(cluster)],
            conditions={"StringEquals": {"ecs:CreateAction": "RunTask"}},
        ),
        iam.PolicyStatement(
            sid="OwnNetwork",
            # use_current_ecs_task_config: the daemon reads its own ENI; no resource-level.
            actions=["ec2:DescribeNetworkInterfaces"],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="PassRunRoles",
            actions=["iam:PassRole"],
            resources=[run_role.role_arn for run_role in run_roles],
            conditions={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
        ),
        iam.PolicyStatement(
            sid="RunLogs",
            actions=["logs:GetLogEvents"],
            resources=[run_logs.log_group_arn],
        ),
    ]
    for statement in statements:
        role.add_to_principal_policy(statement)
    grant_watch_and_stop_runs(role, cluster=cluster)
    acknowledge(
        role,
        wildcard_resource(
            "arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task-definition/"
            f"{RUN_TASK_FAMILY_PREFIX}*:*"
        ),
        "The launcher registers run task definitions named ticket-run<hash of settings> with "
        "new revisions; RunTask is limited to that family prefix and this cluster.",
    )
    acknowledge(
        role,
        wildcard_resource("*"),
        "ecs:RegisterTaskDefinition, ecs:DescribeTaskDefinition and "
        "ec2:DescribeNetworkInterfaces have no resource-level permissions (Service "
        "Authorization Reference); the roles a definition may carry are limited by PassRole.",
    )


def grant_watch_and_stop_runs(role: iam.IRole, *, cluster: ecs.ICluster) -> None:
    """Run monitoring and the UI's "terminate": DescribeTasks and StopTask on the cluster's
    tasks."""
    role.add_to_principal_policy(
        iam.PolicyStatement(
            sid="WatchAndStopRuns",
            actions=["ecs:DescribeTasks", "ecs:StopTask"],
            resources=[cluster_tasks_arn(cluster)],
            conditions={"ArnEquals": {"ecs:cluster": cluster.cluster_arn}},
        )
    )
    resource = cluster.node.default_child
    assert isinstance(resource, ecs.CfnCluster)
    acknowledge(
        role,
        wildcard_resource(
            "arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task/"
            f"<{Stack.of(cluster).resolve(resource.logical_id)}>/*"
        ),
        "Run task ids are assigned by ECS at RunTask; DescribeTasks/StopTask (and the "
        "daemon's run tagging) are limited to tasks of this stack's cluster.",
    )
