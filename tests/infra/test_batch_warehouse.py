"""The optional Redshift Serverless warehouse of the batch stack (``redshiftServerless=true``,
components/batch_warehouse.py), and the COPY role the tasks are told about."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from infra_synth import Synth, synthesize
from test_batch_stack import ALONE, BATCH, STACK, dagster_containers
from test_infra_lint import CFN_LINT_ACCEPTED_WARNINGS, cfn_lint_problems, checkov_failures

from infra_cdk.app import build_app
from infra_cdk.config import ConfigError

ACCOUNT = "123456789012"
COPY_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ticket-copy"
# What `cdk synth` looks up for a known account and region (cdk.context.json), given here.
AZS = {
    f"availability-zones:account={ACCOUNT}:region=us-east-1": [
        "us-east-1a",
        "us-east-1b",
        "us-east-1c",
    ]
}
SERVERLESS = {"redshiftServerless": "true", "account": ACCOUNT, "region": "us-east-1", **AZS}
# A known account and region write literal AZs, as every deployed VPC has (cfn-lint W3010).
ACCEPTED_WARNINGS = CFN_LINT_ACCEPTED_WARNINGS | {"W3010"}


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return synthesize(tmp_path_factory.mktemp("sl-both"), {**BATCH, **SERVERLESS}, stack=STACK)


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    context = {**ALONE, **SERVERLESS, "batchRedshiftCopyRoleArn": COPY_ROLE}
    return synthesize(tmp_path_factory.mktemp("sl-alone"), context, stack=STACK)


@pytest.fixture(params=["both", "alone"])
def serverless(request: pytest.FixtureRequest) -> Synth:
    return request.getfixturevalue(request.param)


def environment_of(synth: Synth) -> list[dict[str, Any]]:
    return [
        {e["Name"]: e["Value"] for e in container["Environment"]}
        for container in dagster_containers(synth).values()
    ]


def test_a_namespace_and_workgroup_in_three_private_subnets(serverless: Synth) -> None:
    _, workgroup = serverless.one("AWS::RedshiftServerless::Workgroup")
    properties = workgroup["Properties"]
    assert properties["PubliclyAccessible"] is False
    assert properties["EnhancedVpcRouting"] is True
    assert properties["BaseCapacity"] == 8 and properties["Port"] == 5439
    subnets = properties["SubnetIds"]
    assert len(subnets) == 3 and all("private" in subnet["Ref"] for subnet in subnets)
    zones = {
        serverless.template["Resources"][subnet["Ref"]]["Properties"]["AvailabilityZone"]
        for subnet in subnets
    }
    assert zones == {"us-east-1a", "us-east-1b", "us-east-1c"}
    namespace_id, namespace = serverless.one("AWS::RedshiftServerless::Namespace")
    assert workgroup["DependsOn"] == [namespace_id]
    assert properties["NamespaceName"] == namespace["Properties"]["NamespaceName"]


def test_only_the_dagster_tasks_reach_the_workgroup(serverless: Synth) -> None:
    _, workgroup = serverless.one("AWS::RedshiftServerless::Workgroup")
    (group,) = workgroup["Properties"]["SecurityGroupIds"]
    group_id = group["Fn::GetAtt"][0]
    ingress = [
        rule["Properties"]
        for rule in serverless.resources("AWS::EC2::SecurityGroupIngress").values()
        if rule["Properties"]["GroupId"]["Fn::GetAtt"][0] == group_id
    ]
    assert [(r["FromPort"], r["SourceSecurityGroupId"]["Fn::GetAtt"][0]) for r in ingress] == [
        (5439, next(n for n in serverless.template["Resources"] if n.startswith("TasksSecurity")))
    ]
    assert "SecurityGroupIngress" not in serverless.template["Resources"][group_id]["Properties"]


def test_the_platform_user_is_the_admin_with_the_secrets_password(serverless: Synth) -> None:
    _, namespace = serverless.one("AWS::RedshiftServerless::Namespace")
    properties = namespace["Properties"]
    assert properties["AdminUsername"] == "ticket_platform"
    assert properties["DbName"] == "dev"
    password = json.dumps(properties["AdminUserPassword"])
    # A dynamic reference to the warehouse secret's password: never a value in the template
    # (joined with the imported ARN beside the real-time stack, literal alone).
    assert "{{resolve:secretsmanager:" in password
    assert password.rstrip('"]}').endswith(":SecretString:password::")
    assert sorted(properties["LogExports"]) == ["connectionlog", "userlog"]
    groups = {
        g["Properties"]["LogGroupName"]: g["Properties"]["RetentionInDays"]
        for g in serverless.resources("AWS::Logs::LogGroup").values()
        if isinstance(g["Properties"].get("LogGroupName"), str)
    }
    assert groups["/aws/redshift/ticket-dev/connectionlog"] == 30
    assert groups["/aws/redshift/ticket-dev/userlog"] == 30


def test_the_copy_role_is_the_default_iam_role_and_the_tasks_know_it(alone: Synth) -> None:
    _, namespace = alone.one("AWS::RedshiftServerless::Namespace")
    assert namespace["Properties"]["DefaultIamRoleArn"] == COPY_ROLE
    assert namespace["Properties"]["IamRoles"] == [COPY_ROLE]
    for environment in environment_of(alone):
        assert environment["TICKET_REDSHIFT_IAM_ROLE_ARN"] == COPY_ROLE
        assert environment["TICKET_REDSHIFT_HOST"] == {
            "Fn::GetAtt": ["Warehouse", "Workgroup.Endpoint.Address"]
        }
        assert environment["TICKET_REDSHIFT_PORT"] == "5439"
    assert alone.template["Outputs"]["WarehouseHost"]["Value"] == {
        "Fn::GetAtt": ["Warehouse", "Workgroup.Endpoint.Address"]
    }


def test_beside_the_real_time_stack_its_copy_role_trusts_serverless(both: Synth) -> None:
    realtime = json.loads((both.outdir / "TicketPlatform-dev.template.json").read_text())
    roles = [
        r
        for r in realtime["Resources"].values()
        if r["Type"] == "AWS::IAM::Role"
        and "Redshift COPY" in r["Properties"].get("Description", "")
    ]
    (role,) = roles
    statements = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert {s["Principal"]["Service"] for s in statements} == {
        "redshift.amazonaws.com",
        "redshift-serverless.amazonaws.com",
    }
    _, namespace = both.one("AWS::RedshiftServerless::Namespace")
    role_arn = namespace["Properties"]["DefaultIamRoleArn"]
    assert "Fn::ImportValue" in role_arn
    for environment in environment_of(both):
        assert environment["TICKET_REDSHIFT_IAM_ROLE_ARN"] == role_arn


def test_nag_cfn_lint_and_checkov_pass(serverless: Synth) -> None:
    from test_batch_stack import violations

    assert serverless.error is None, "\n".join(violations(serverless.report))
    path = serverless.outdir / f"{STACK}.template.json"
    assert cfn_lint_problems([path], ACCEPTED_WARNINGS) == []
    assert checkov_failures([path]) == []


def test_off_by_default_and_the_copy_role_still_reaches_the_tasks(tmp_path: Path) -> None:
    synth = synthesize(tmp_path, BATCH, stack=STACK)
    assert synth.resources("AWS::RedshiftServerless::Workgroup") == {}
    vpc_subnets = synth.resources("AWS::EC2::Subnet")
    assert len(vpc_subnets) == 4  # two AZs, public and private
    for environment in environment_of(synth):
        assert "Fn::ImportValue" in json.dumps(environment["TICKET_REDSHIFT_IAM_ROLE_ARN"])
        assert environment["TICKET_REDSHIFT_HOST"] == ""  # batchEnvironment names the cluster


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"batchStack": "false"}, "needs batchStack=true or only"),
        ({"redshiftWorkgroupName": "existing"}, "leave redshiftClusterIdentifier"),
        ({"redshiftBaseCapacity": "12"}, "multiple of 8"),
        ({"redshiftBaseCapacity": "64", "redshiftMaxCapacity": "32"}, "at least"),
        ({"account": ""}, "needs the account and region"),
    ],
)
def test_settings_that_cannot_make_a_workgroup_stop_the_synth(
    extra: dict[str, str], message: str
) -> None:
    context = {**BATCH, **SERVERLESS, "lambdaDependencies": "skip", **extra}
    with pytest.raises(ConfigError, match=message):
        build_app(context, environ={})


def test_alone_it_needs_the_copy_role(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="batchRedshiftCopyRoleArn"):
        build_app({**ALONE, **SERVERLESS, "lambdaDependencies": "skip"}, environ={})
