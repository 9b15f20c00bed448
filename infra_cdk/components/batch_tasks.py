"""One Fargate task definition per long-running process of the batch side (code server, daemon,
webserver, docs server): the code location's image with a command, its own log group."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs

from infra_cdk.components.log_groups import log_group
from infra_cdk.nag import acknowledge, wildcard_resource

PULL_REASON = (
    "ecr:GetAuthorizationToken has no resource-level permission (CDK's grant_pull); "
    "image pulls themselves are limited to this stack's repository."
)


@dataclass(frozen=True)
class TaskImage:
    """The image every process runs, and how long its logs are kept."""

    repository: ecr.IRepository
    uri: str
    log_retention_days: int
    removal: RemovalPolicy


def image_task(
    stack: Stack,
    name: str,
    *,
    image: TaskImage,
    command: list[str],
    environment: dict[str, str],
    secrets: dict[str, ecs.Secret],
    cpu: int,
    memory: int,
    port: int | None = None,
    entry_point: list[str] | None = None,
) -> ecs.FargateTaskDefinition:
    """A task definition ``<name>Task`` with one container ``name.lower()``."""
    task = ecs.FargateTaskDefinition(
        stack,
        f"{name}Task",
        cpu=cpu,
        memory_limit_mib=memory,
        runtime_platform=ecs.RuntimePlatform(
            cpu_architecture=ecs.CpuArchitecture.X86_64,
            operating_system_family=ecs.OperatingSystemFamily.LINUX,
        ),
    )
    image.repository.grant_pull(task.obtain_execution_role())
    acknowledge(task.obtain_execution_role(), wildcard_resource("*"), PULL_REASON)
    logs = log_group(
        stack, f"{name}Logs", days=image.log_retention_days, removal_policy=image.removal
    )
    task.add_container(
        name.lower(),
        image=ecs.ContainerImage.from_registry(image.uri),
        entry_point=entry_point,
        command=command,
        environment=environment,
        secrets=secrets,
        logging=ecs.LogDriver.aws_logs(stream_prefix=name.lower(), log_group=logs),
        port_mappings=[ecs.PortMapping(container_port=port)] if port else None,
        readonly_root_filesystem=False,
    )
    return task
