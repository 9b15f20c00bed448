"""The batch side's network: two AZs, public subnets for the load balancer, private ones (with
one NAT gateway) for the tasks and the database, flow logs kept like every other log."""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2

from infra_cdk.components.log_groups import log_group
from infra_cdk.config import AppConfig


def batch_vpc(stack: Stack, *, config: AppConfig, removal: RemovalPolicy) -> ec2.Vpc:
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        # Two AZs; three with a Redshift Serverless workgroup, which needs subnets in three.
        max_azs=3 if config.redshift_serverless else 2,
        nat_gateways=1,  # one NAT: tasks pull images and call AWS APIs; see README (cost)
        restrict_default_security_group=False,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC),
            ec2.SubnetConfiguration(name="private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        ],
    )
    flow_logs = log_group(stack, "FlowLogs", days=config.log_retention_days, removal_policy=removal)
    vpc.add_flow_log("FlowLog", destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs))
    return vpc
