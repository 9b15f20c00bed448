"""An optional Redshift Serverless warehouse (``redshiftServerless=true``) for a team that has none:
a namespace and a workgroup in the batch stack's private subnets, reachable on 5439 from the
Dagster tasks only.

- Its admin user is the platform's warehouse user (``redshiftUser``) with the password of the
  warehouse secret the tasks already receive (a CloudFormation dynamic reference: the password is
  never in the template), so the platform connects on the first deploy without a manual
  ``CREATE USER``.
- The COPY role (the real-time stack's ``RedshiftCopyRoleArn``) is its default IAM role, which the
  loader's ``COPY ... IAM_ROLE`` names (``TICKET_REDSHIFT_IAM_ROLE_ARN``).
- Connection and user logs go to CloudWatch, into groups created here with the configured
  retention (``/aws/redshift/<namespace>/<log type>``, the names Redshift exports to).

Serverless bills RPU-hours only while queries run (base capacity ``redshiftBaseCapacity``, 8 RPUs
by default; ``redshiftMaxCapacity`` caps the scaling); storage is billed per GB-month.
https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-usage-considerations.html: a
workgroup needs three subnets in three Availability Zones, so the VPC gets three with this on.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_redshiftserverless as redshiftserverless
from aws_cdk import aws_secretsmanager as secretsmanager

from infra_cdk.components.log_groups import log_group
from infra_cdk.config import AppConfig

REDSHIFT_PORT = 5439
LOG_EXPORTS = ("connectionlog", "userlog")


class ServerlessWarehouse:
    def __init__(
        self,
        stack: Stack,
        *,
        vpc: ec2.IVpc,
        clients: ec2.ISecurityGroup,
        config: AppConfig,
        removal: RemovalPolicy,
        secret: secretsmanager.ISecret,
        copy_role: iam.IRole,
    ) -> None:
        name = f"ticket-{config.env_name}"
        self.security_group = ec2.SecurityGroup(
            stack,
            "WarehouseSecurityGroup",
            vpc=vpc,
            description="Redshift Serverless workgroup",
            allow_all_outbound=False,
        )
        self.security_group.add_ingress_rule(
            clients, ec2.Port.tcp(REDSHIFT_PORT), "Dagster tasks to Redshift"
        )
        self.namespace = redshiftserverless.CfnNamespace(
            stack,
            "WarehouseNamespace",
            namespace_name=name,
            db_name=config.redshift_database,
            admin_username=config.redshift_user,
            admin_user_password=secret.secret_value_from_json("password").unsafe_unwrap(),
            iam_roles=[copy_role.role_arn],
            default_iam_role_arn=copy_role.role_arn,
            log_exports=list(LOG_EXPORTS),
        )
        self.namespace.apply_removal_policy(
            RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY
        )
        for log_type in LOG_EXPORTS:
            group = log_group(
                stack,
                f"Warehouse{log_type.title()}",
                days=config.log_retention_days,
                removal_policy=removal,
                name=f"/aws/redshift/{name}/{log_type}",
            )
            self.namespace.node.add_dependency(group)
        subnets = vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS).subnet_ids
        self.workgroup = redshiftserverless.CfnWorkgroup(
            stack,
            "Warehouse",
            workgroup_name=name,
            namespace_name=name,
            base_capacity=config.redshift_base_capacity,
            max_capacity=config.redshift_max_capacity,
            subnet_ids=subnets,
            security_group_ids=[self.security_group.security_group_id],
            publicly_accessible=False,
            # COPY reads S3 through the VPC (the NAT gateway), not Redshift's own network.
            enhanced_vpc_routing=True,
            port=REDSHIFT_PORT,
        )
        self.workgroup.node.add_dependency(self.namespace)
        self.host = self.workgroup.attr_workgroup_endpoint_address
