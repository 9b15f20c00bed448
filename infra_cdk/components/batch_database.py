"""The Dagster instance's storage (deploy/dagster.yaml): RDS PostgreSQL in private subnets,
encrypted, backed up, its password generated into Secrets Manager, reachable only from the tasks."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds

from infra_cdk import checkov
from infra_cdk.components.log_groups import log_group
from infra_cdk.config import AppConfig
from infra_cdk.nag import acknowledge

PG_DATABASE = "dagster"
PG_USER = "dagster"


def instance_database(
    stack: Stack,
    *,
    vpc: ec2.IVpc,
    clients: ec2.ISecurityGroup,
    config: AppConfig,
    removal: RemovalPolicy,
) -> rds.DatabaseInstance:
    """The instance database, reachable on 5432 from ``clients`` only."""
    security_group = ec2.SecurityGroup(
        stack,
        "DatabaseSecurityGroup",
        vpc=vpc,
        description="Dagster instance PostgreSQL",
        allow_all_outbound=False,
    )
    security_group.add_ingress_rule(clients, ec2.Port.tcp(5432), "Dagster tasks")
    database = rds.DatabaseInstance(
        stack,
        "Database",
        # A pinned minor (cfn-lint refuses a bare major as deprecated); minor upgrades are
        # applied by RDS in the maintenance window (auto_minor_version_upgrade).
        engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_9),
        instance_type=ec2.InstanceType.of(
            ec2.InstanceClass.BURSTABLE4_GRAVITON, ec2.InstanceSize.SMALL
        ),
        vpc=vpc,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        security_groups=[security_group],
        database_name=PG_DATABASE,
        credentials=rds.Credentials.from_generated_secret(PG_USER),
        storage_encrypted=True,
        allocated_storage=20,
        max_allocated_storage=100,
        backup_retention=Duration.days(7),
        deletion_protection=config.batch_db_deletion_protection,
        removal_policy=RemovalPolicy.SNAPSHOT if config.retain_data else RemovalPolicy.DESTROY,
        publicly_accessible=False,
        auto_minor_version_upgrade=True,
        instance_identifier=f"ticket-dagster-{config.env_name}",
        cloudwatch_logs_exports=["postgresql"],
        enable_performance_insights=True,
        monitoring_interval=Duration.seconds(60),
        copy_tags_to_snapshot=True,
    )
    # RDS exports to this group by name: created first, so it has the configured retention.
    logs = log_group(
        stack,
        "DatabaseLogs",
        days=config.log_retention_days,
        removal_policy=removal,
        name=f"/aws/rds/instance/ticket-dagster-{config.env_name}/postgresql",
    )
    database.node.add_dependency(logs)
    _explain(database)
    return database


def _explain(database: rds.DatabaseInstance) -> None:
    acknowledge(
        database,
        "AwsSolutions-RDS3",
        "The instance database holds Dagster's run and event history, rebuilt by re-running; "
        "daily backups (7 days) cover an AZ loss and a second AZ would double its cost.",
    )
    acknowledge(
        database,
        "AwsSolutions-RDS11",
        "Port 5432 is reachable only from the Dagster tasks' security group in private "
        "subnets; a non-default port would add nothing to that isolation.",
    )
    acknowledge(
        database,
        "AwsSolutions-SMG4",
        "dagster-postgres reads the password once at process start (ECS secret); a rotation "
        "would break the running webserver/daemon until restart. Rotate with a redeploy.",
    )
    acknowledge(
        database,
        "AwsSolutions-RDS6",
        "dagster-postgres connects with a password from the instance file's env vars and has "
        "no IAM-token refresh; access is limited to the tasks' security group.",
    )
    acknowledge(
        database,
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
        "AmazonRDSEnhancedMonitoringRole]",
        "AmazonRDSEnhancedMonitoringRole is the AWS-documented policy of the enhanced "
        "monitoring role RDS assumes; it only writes RDS metrics to CloudWatch Logs.",
    )
    checkov.skip(
        database.node.find_child("Secret"),
        "CKV_AWS_149",
        "Encrypted with the AWS managed key (aws/secretsmanager); only this stack's task "
        "execution roles read it, and a customer-managed key would add a key policy to keep "
        "in step without narrowing who can read it.",
    )
    checkov.skip(
        database,
        "CKV_AWS_157",
        "Single-AZ on purpose: the database holds Dagster's run history only (7 days of "
        "backups); Multi-AZ would double its cost (README, cost at rest).",
    )
    checkov.skip(
        database,
        "CKV_AWS_161",
        "dagster-postgres authenticates with a password (an ECS secret) and cannot refresh "
        "IAM tokens; only the tasks' security group reaches the instance.",
    )
