"""The batch stack (Dagster on ECS, infra_cdk/stacks/batch.py): CDK assertions on its template,
cdk-nag, cfn-lint and checkov, beside the real-time stack (``batchStack=true``) and alone
(``batchStack=only``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from infra_synth import Synth, synthesize, violations
from test_infra_lint import cfn_lint_problems, checkov, checkov_failures

from infra_cdk.app import build_app
from infra_cdk.components.batch_env import instance_env_vars, instance_secret_names
from infra_cdk.config import ConfigError

STACK = "TicketPlatformBatch-dev"
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234"
BATCH = {
    "batchStack": "true",
    "batchDomainName": "dagster.example.com",
    "batchCertificateArn": CERTIFICATE,
    "batchImageTag": "abc1234",
}
ALONE = {
    **BATCH,
    "batchStack": "only",
    "batchBucketName": "ticket-bucket-prod",
    "batchAlertTopicArn": "arn:aws:sns:us-east-1:123456789012:alerts",
    "batchAlertKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1111-2222",
    "batchWarehouseSecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:wh-AbCdEf",
    "batchSlackWebhookSecretArn": (
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:slack-AbCdEf"
    ),
    # A known region (as the CLI sets it at deploy): the load balancer's access logs are on.
    "region": "us-east-1",
}
# The processes that open the Dagster instance (its variables and secrets), and all of them.
DAGSTER_CONTAINERS = ("codeserver", "daemon", "webserver")
CONTAINERS = (*DAGSTER_CONTAINERS, "docsserver")


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return synthesize(tmp_path_factory.mktemp("batch-both"), BATCH, stack=STACK)


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return synthesize(tmp_path_factory.mktemp("batch-alone"), ALONE, stack=STACK)


@pytest.fixture(params=["both", "alone"])
def batch(request: pytest.FixtureRequest) -> Synth:
    return request.getfixturevalue(request.param)


def dagster_containers(synth: Synth) -> dict[str, dict[str, Any]]:
    return {name: c for name, c in containers(synth).items() if name in DAGSTER_CONTAINERS}


def containers(synth: Synth) -> dict[str, dict[str, Any]]:
    found = {}
    for resource in synth.resources("AWS::ECS::TaskDefinition").values():
        for container in resource["Properties"]["ContainerDefinitions"]:
            found[container["Name"]] = container
    return found


def service_of(synth: Synth, container: str) -> dict[str, Any]:
    for name, task in synth.resources("AWS::ECS::TaskDefinition").items():
        if task["Properties"]["ContainerDefinitions"][0]["Name"] == container:
            for service in synth.resources("AWS::ECS::Service").values():
                if service["Properties"]["TaskDefinition"] == {"Ref": name}:
                    return service["Properties"]
    raise AssertionError(f"no service runs {container}")


def task_role_of(synth: Synth, container: str) -> str:
    for task in synth.resources("AWS::ECS::TaskDefinition").values():
        if task["Properties"]["ContainerDefinitions"][0]["Name"] == container:
            return task["Properties"]["TaskRoleArn"]["Fn::GetAtt"][0]
    raise AssertionError(container)


def role_id(synth: Synth, prefix: str) -> str:
    (found,) = [n for n in synth.resources("AWS::IAM::Role") if n.startswith(prefix)]
    return found


# --- the app ----------------------------------------------------------------------------------


def test_default_app_has_no_batch_stack(synth: Synth) -> None:
    assert not (synth.outdir / f"{STACK}.template.json").exists()


def test_both_stacks_or_the_batch_stack_alone(both: Synth, alone: Synth) -> None:
    assert (both.outdir / "TicketPlatform-dev.template.json").exists()
    assert not (alone.outdir / "TicketPlatform-dev.template.json").exists()


def test_batch_settings_are_required(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="batchDomainName, batchCertificateArn"):
        build_app({"batchStack": "true", "lambdaDependencies": "skip"}, environ={})
    with pytest.raises(ConfigError, match="batchBucketName"):
        build_app({**BATCH, "batchStack": "only"}, environ={})


def test_cdk_nag_passes_with_reasoned_acknowledgements_only(batch: Synth) -> None:
    assert batch.error is None, "\n".join(violations(batch.report))
    reasons = [
        entry["reason"]
        for resource in batch.template["Resources"].values()
        for entry in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    ]
    assert reasons
    assert all(len(reason) >= 40 for reason in reasons)


def test_cfn_lint_finds_no_error_and_checkov_no_unskipped_finding(
    batch: Synth, tmp_path: Path
) -> None:
    path = batch.outdir / f"{STACK}.template.json"
    assert cfn_lint_problems([path]) == []
    assert checkov_failures([path]) == []
    # Every skip still matches a finding (as test_infra_lint checks for the default synth).
    template = json.loads(path.read_text())
    declared = set()
    for name, resource in template["Resources"].items():
        for entry in resource.get("Metadata", {}).pop("checkov", {}).get("skip", []):
            assert len(entry["comment"]) > 20, entry
            declared.add((name, entry["id"]))
    stripped = tmp_path / path.name
    stripped.write_text(json.dumps(template))
    found = {
        (check["resource"].split(".", 1)[1], check["check_id"])
        for report in checkov([stripped])
        for check in report["results"]["failed_checks"]
    }
    assert declared == found


# --- load balancer and login ------------------------------------------------------------------


def test_https_listener_authenticates_every_request_before_forwarding(both: Synth) -> None:
    template = Template.from_json(both.template)
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        {
            "Port": 443,
            "Protocol": "HTTPS",
            "Certificates": [{"CertificateArn": CERTIFICATE}],
            "DefaultActions": [
                Match.object_like({"Type": "authenticate-cognito", "Order": 1}),
                Match.object_like({"Type": "forward", "Order": 2}),
            ],
        },
    )
    # The one rule (the docs) authenticates the same way before forwarding: no anonymous path.
    rules = both.resources("AWS::ElasticLoadBalancingV2::ListenerRule").values()
    ((https_id, https),) = [
        (name, listener)
        for name, listener in both.resources("AWS::ElasticLoadBalancingV2::Listener").items()
        if listener["Properties"]["Protocol"] == "HTTPS"
    ]
    default_login = https["Properties"]["DefaultActions"][0]["AuthenticateCognitoConfig"]
    assert rules
    for rule in rules:
        first, then = rule["Properties"]["Actions"]
        assert rule["Properties"]["ListenerArn"] == {"Ref": https_id}
        assert first["Type"] == "authenticate-cognito" and then["Type"] == "forward"
        # The same pool, client, domain and session length (CDK writes the timeout as a number
        # in a rule and as a string in a listener's default action).
        assert {k: str(v) for k, v in first["AuthenticateCognitoConfig"].items()} == {
            k: str(v) for k, v in default_login.items()
        }
    user_pool = both.one("AWS::Cognito::UserPool")[1]["Properties"]
    assert user_pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert user_pool["MfaConfiguration"] == "ON"


def lb_attributes(synth: Synth) -> dict[str, str]:
    lb = synth.one("AWS::ElasticLoadBalancingV2::LoadBalancer")[1]["Properties"]
    return {a["Key"]: a["Value"] for a in lb["LoadBalancerAttributes"]}


def test_access_logs_on_when_the_region_is_known(both: Synth, alone: Synth) -> None:
    assert lb_attributes(alone)["access_logs.s3.enabled"] == "true"
    assert lb_attributes(both).get("access_logs.s3.enabled") != "true"
    lb = both.one("AWS::ElasticLoadBalancingV2::LoadBalancer")[1]
    acknowledged = [r["id"] for r in lb["Metadata"]["cdk_nag"]["rules_to_suppress"]]
    assert "AwsSolutions-ELB2" in acknowledged  # environment-agnostic synth only
    assert lb_attributes(both)["routing.http.drop_invalid_header_fields.enabled"] == "true"


def test_http_only_redirects_to_https(both: Synth) -> None:
    listeners = both.resources("AWS::ElasticLoadBalancingV2::Listener").values()
    (http,) = [x["Properties"] for x in listeners if x["Properties"]["Protocol"] == "HTTP"]
    assert http["DefaultActions"] == [
        {
            "Type": "redirect",
            "RedirectConfig": {"Port": "443", "Protocol": "HTTPS", "StatusCode": "HTTP_301"},
        }
    ]
    forwarding = [
        x
        for x in listeners
        if any(a["Type"] == "forward" for a in x["Properties"]["DefaultActions"])
    ]
    assert [x["Properties"]["Protocol"] for x in forwarding] == ["HTTPS"]


# --- services ---------------------------------------------------------------------------------


def test_daemon_runs_exactly_one_task_that_inits_first(both: Synth) -> None:
    service = service_of(both, "daemon")
    assert service["DesiredCount"] == 1
    config = service["DeploymentConfiguration"]
    assert (config["MinimumHealthyPercent"], config["MaximumPercent"]) == (0, 100)
    daemon = containers(both)["daemon"]
    assert daemon["EntryPoint"] == ["sh", "-c"]
    (command,) = daemon["Command"]
    assert command.startswith("ticket-platform init && exec dagster-daemon run ")


def test_code_server_is_found_through_cloud_map(both: Synth) -> None:
    assert service_of(both, "codeserver")["ServiceRegistries"]
    discovery = both.one("AWS::ServiceDiscovery::Service")[1]["Properties"]
    assert discovery["Name"] == "code"
    namespace = both.one("AWS::ServiceDiscovery::PrivateDnsNamespace")[1]["Properties"]
    host = f"code.{namespace['Name']}"
    for name in ("daemon", "webserver"):
        container = containers(both)[name]
        words = " ".join(container["Command"]).split()
        assert words[words.index("--grpc-host") + 1] == host
        assert words[words.index("--grpc-port") + 1] == "4000"
    image = containers(both)["codeserver"]["Image"]
    environment = {e["Name"]: e["Value"] for e in containers(both)["codeserver"]["Environment"]}
    assert environment["DAGSTER_CURRENT_IMAGE"] == image


def test_no_image_tag_means_no_task_yet(tmp_path: Path) -> None:
    synth = synthesize(tmp_path, {**BATCH, "batchImageTag": ""}, stack=STACK)
    assert {service_of(synth, c)["DesiredCount"] for c in CONTAINERS} == {0}


def test_services_run_in_private_subnets(both: Synth) -> None:
    for name in CONTAINERS:
        network = service_of(both, name)["NetworkConfiguration"]["AwsvpcConfiguration"]
        assert network["AssignPublicIp"] == "DISABLED"
        assert all("private" in subnet["Ref"] for subnet in network["Subnets"])


# --- database ---------------------------------------------------------------------------------


def test_database_is_encrypted_private_backed_up(both: Synth) -> None:
    db = both.one("AWS::RDS::DBInstance")[1]["Properties"]
    assert db["StorageEncrypted"] is True
    assert db["PubliclyAccessible"] is False
    assert db["BackupRetentionPeriod"] >= 7
    assert db["DeletionProtection"] is True
    assert db["Engine"] == "postgres"
    subnets = both.one("AWS::RDS::DBSubnetGroup")[1]["Properties"]["SubnetIds"]
    assert subnets and all("private" in subnet["Ref"] for subnet in subnets)
    secret = both.one("AWS::SecretsManager::Secret")[1]["Properties"]
    assert "GenerateSecretString" in secret
    assert "MasterUserPassword" in json.dumps(db)  # resolved from the secret, not a literal
    assert "{{resolve:secretsmanager:" in json.dumps(db["MasterUserPassword"])


def test_deletion_protection_is_configurable(tmp_path: Path) -> None:
    synth = synthesize(tmp_path, {**BATCH, "batchDbDeletionProtection": "false"}, stack=STACK)
    assert synth.one("AWS::RDS::DBInstance")[1]["Properties"]["DeletionProtection"] is False


# --- variables and secrets --------------------------------------------------------------------


def test_env_var_names_equal_deploy_dagster_yaml(batch: Synth, request: Any) -> None:
    names = set(instance_env_vars())
    assert "DAGSTER_PG_HOST" in names and len(names) > 40
    if request.node.callspec.params["batch"] == "alone":  # with a Slack webhook secret
        names.add("TICKET_ALERT_SLACK_WEBHOOK_SECRET_ARN")
    for name, container in dagster_containers(batch).items():
        environment = {e["Name"] for e in container["Environment"]}
        extra = {"DAGSTER_CURRENT_IMAGE"} if name == "codeserver" else set()
        assert environment == names | extra, name


def test_passwords_are_ecs_secrets_never_environment(batch: Synth, request: Any) -> None:
    expected = set(instance_secret_names())
    if request.node.callspec.params["batch"] == "alone":
        expected.add("TICKET_ALERT_SLACK_WEBHOOK_URL")
    for name, container in dagster_containers(batch).items():
        secrets = {s["Name"]: s["ValueFrom"] for s in container["Secrets"]}
        assert set(secrets) == expected, name
        for secret_name, value_from in secrets.items():
            if secret_name != "TICKET_ALERT_SLACK_WEBHOOK_URL":
                # The JSON key of the RDS / warehouse secret: ``<arn>:password::``.
                assert json.dumps(value_from).rstrip('"]}').endswith(":password::"), secret_name
        for entry in container["Environment"]:
            assert not (entry["Name"].endswith("PASSWORD") or "WEBHOOK_URL" in entry["Name"])
            assert "password" not in json.dumps(entry["Value"]).lower() or entry["Name"].endswith(
                "_SECRET_ARN"
            )


def test_log_groups_have_retention(batch: Synth) -> None:
    groups = batch.resources("AWS::Logs::LogGroup")
    assert len(groups) >= 5
    assert all(g["Properties"].get("RetentionInDays") for g in groups.values())
    for container in containers(batch).values():
        assert container["LogConfiguration"]["LogDriver"] == "awslogs"


# --- the run launcher's permissions -----------------------------------------------------------


def statements(synth: Synth, role: str) -> list[dict[str, Any]]:
    return synth.role_statements(role)


def actions(statement: dict[str, Any]) -> set[str]:
    value = statement["Action"]
    return {value} if isinstance(value, str) else set(value)


def test_daemon_may_launch_watch_and_stop_runs(both: Synth) -> None:
    daemon = statements(both, task_role_of(both, "daemon"))
    granted = set().union(*map(actions, daemon))
    assert {
        "ecs:RunTask",
        "ecs:DescribeTasks",
        "ecs:StopTask",
        "ecs:TagResource",
        "ecs:RegisterTaskDefinition",
        "ecs:DescribeTaskDefinition",
        "iam:PassRole",
    } <= granted
    (tag,) = [s for s in daemon if "ecs:TagResource" in actions(s)]
    assert tag["Condition"] == {"StringEquals": {"ecs:CreateAction": "RunTask"}}


def test_pass_role_is_exactly_the_run_roles(both: Synth) -> None:
    run_roles = [
        {"Fn::GetAtt": [role_id(both, "RunTaskRole"), "Arn"]},
        {"Fn::GetAtt": [role_id(both, "RunExecutionRole"), "Arn"]},
    ]
    passing = [
        s
        for policy in both.resources("AWS::IAM::Policy").values()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if "iam:PassRole" in actions(s)
    ]
    assert len(passing) == 1
    assert sorted(map(json.dumps, passing[0]["Resource"])) == sorted(map(json.dumps, run_roles))


def test_run_roles_hold_data_but_no_ecs_control(both: Synth) -> None:
    run = statements(both, role_id(both, "RunTaskRole"))
    granted = set().union(*map(actions, run)) if run else set()
    assert not any(a.startswith(("ecs:", "iam:")) for a in granted)
    execution = statements(both, role_id(both, "RunExecutionRole"))
    (secrets,) = [s for s in execution if s.get("Sid") == "InjectedSecrets"]
    assert actions(secrets) == {"secretsmanager:GetSecretValue"}
    assert len(secrets["Resource"]) == 2  # the instance's and the warehouse's (no Slack here)


def test_batch_policy_on_run_and_code_server_roles(both: Synth, alone: Synth) -> None:
    # Beside the real-time stack: its BatchPlatformPolicy, imported.
    for role in (role_id(both, "RunTaskRole"), task_role_of(both, "codeserver")):
        arns = both.template["Resources"][role]["Properties"]["ManagedPolicyArns"]
        assert any("BatchPlatformPolicy" in json.dumps(arn) for arn in arns), role
    for role in (task_role_of(both, "daemon"), task_role_of(both, "webserver")):
        assert "ManagedPolicyArns" not in both.template["Resources"][role]["Properties"]
    # Alone: its own BatchPlatformPolicy on the bucket and topic named in the configuration.
    policy_id, policy = alone.one("AWS::IAM::ManagedPolicy")
    for role in (role_id(alone, "RunTaskRole"), task_role_of(alone, "codeserver")):
        arns = alone.template["Resources"][role]["Properties"]["ManagedPolicyArns"]
        assert {"Ref": policy_id} in arns, role
    text = json.dumps(policy["Properties"]["PolicyDocument"])
    assert "ticket-bucket-prod/tickets/*" in text
    assert ALONE["batchAlertTopicArn"] in text
    assert policy_id.startswith("BatchPlatformPolicy")


def test_batch_environment_fills_settings_and_refuses_passwords(tmp_path: Path) -> None:
    extra = {"TICKET_REDSHIFT_HOST": "wh.example.internal", "TICKET_JUDGE_MAX_COST_USD": "5"}
    synth = synthesize(tmp_path, {**BATCH, "batchEnvironment": json.dumps(extra)}, stack=STACK)
    for container in dagster_containers(synth).values():
        environment = {e["Name"]: e["Value"] for e in container["Environment"]}
        assert {k: environment[k] for k in extra} == extra
    with pytest.raises(ConfigError, match="ECS secrets"):
        build_app({**BATCH, "batchEnvironment": '{"TICKET_REDSHIFT_PASSWORD": "x"}'}, environ={})
    with pytest.raises(ValueError, match=r"not in deploy/dagster\.yaml"):
        # Alone: only the batch stack is built (no Lambda layer).
        build_app({**ALONE, "batchEnvironment": '{"NOT_A_SETTING": "x"}'}, environ={})


def test_slack_webhook_is_a_secret_the_runs_may_read(alone: Synth) -> None:
    execution = statements(alone, role_id(alone, "RunExecutionRole"))
    (secrets,) = [s for s in execution if s.get("Sid") == "InjectedSecrets"]
    assert ALONE["batchSlackWebhookSecretArn"] in json.dumps(secrets["Resource"])
    for container in dagster_containers(alone).values():
        environment = {e["Name"]: e["Value"] for e in container["Environment"]}
        assert (
            environment["TICKET_ALERT_SLACK_WEBHOOK_SECRET_ARN"]
            == (ALONE["batchSlackWebhookSecretArn"])
        )


def test_load_balancer_reaches_only_the_webserver_and_cognito(both: Synth) -> None:
    groups = both.resources("AWS::EC2::SecurityGroup")
    (lb,) = [g for n, g in groups.items() if n.startswith("LoadBalancerSecurityGroup")]
    egress = lb["Properties"]["SecurityGroupEgress"]
    assert [(e.get("CidrIp"), e["FromPort"]) for e in egress] == [("0.0.0.0/0", 443)]
    to_tasks = [
        e["Properties"]
        for e in both.resources("AWS::EC2::SecurityGroupEgress").values()
        if e["Properties"]["FromPort"] == 3000
    ]
    assert to_tasks and all(e["ToPort"] == 3000 for e in to_tasks)


def test_outputs_name_what_a_team_needs_next(batch: Synth) -> None:
    assert {
        "RepositoryUri",
        "LoadBalancerDns",
        "UserPoolId",
        "ClusterName",
        "DatabaseSecretArn",
        "RunTaskRoleArn",
        "DagsterUrl",
        "DocsUrl",
    } <= set(batch.template["Outputs"])
    assert batch.template["Outputs"]["DocsUrl"]["Value"] == "https://dagster.example.com/docs/"


# --- dbt docs ---------------------------------------------------------------------------------


def target_group_of(synth: Synth, container: str) -> str:
    (balancer,) = service_of(synth, container)["LoadBalancers"]
    assert balancer["ContainerName"] == container
    return balancer["TargetGroupArn"]["Ref"]


def test_docs_are_served_at_slash_docs_behind_the_same_login(batch: Synth) -> None:
    (rule,) = batch.resources("AWS::ElasticLoadBalancingV2::ListenerRule").values()
    properties = rule["Properties"]
    (condition,) = properties["Conditions"]
    assert condition["PathPatternConfig"]["Values"] == ["/docs", "/docs/*"]
    login, forward = properties["Actions"]
    assert login["Type"] == "authenticate-cognito"
    assert forward["TargetGroupArn"] == {"Ref": target_group_of(batch, "docsserver")}
    # The rest is the webserver's (the listener's default route).
    assert target_group_of(batch, "webserver") != target_group_of(batch, "docsserver")
    targets = batch.resources("AWS::ElasticLoadBalancingV2::TargetGroup")
    docs_targets = targets[target_group_of(batch, "docsserver")]["Properties"]
    assert (docs_targets["Port"], docs_targets["HealthCheckPath"]) == (3001, "/health")


def test_docs_server_reads_the_published_site_and_nothing_else(batch: Synth, request: Any) -> None:
    from ticket_platform.transform.docs import SITE_FILES

    docs = containers(batch)["docsserver"]
    words = docs["Command"]
    assert words[:2] == ["ticket-platform", "docs-server"]
    assert words[words.index("--base-path") + 1] == "/docs"
    assert words[words.index("--port") + 1] == "3001"
    environment = {e["Name"]: e["Value"] for e in docs["Environment"]}
    assert set(environment) == {"TICKET_DOCS_URI"} and "Secrets" not in docs
    # The same place the platform publishes to (the other services' TICKET_DOCS_URI).
    webserver = {e["Name"]: e["Value"] for e in containers(batch)["webserver"]["Environment"]}
    assert environment["TICKET_DOCS_URI"] == webserver["TICKET_DOCS_URI"]

    statements = batch.role_statements(task_role_of(batch, "docsserver"))
    assert [s["Action"] for s in statements] == ["s3:GetObject"]
    (statement,) = statements
    keys = [json.dumps(resource) for resource in statement["Resource"]]
    assert len(keys) == len(SITE_FILES)
    for name, key in zip(sorted(SITE_FILES), sorted(keys), strict=True):
        assert key.endswith(f'/dbt-docs/{name}"]]}}') or key.endswith(f'/dbt-docs/{name}"')


def test_only_the_load_balancer_reaches_the_docs_server(batch: Synth) -> None:
    network = service_of(batch, "docsserver")["NetworkConfiguration"]["AwsvpcConfiguration"]
    (group,) = network["SecurityGroups"]
    group_id = group["Fn::GetAtt"][0]
    ingress = [
        rule["Properties"]
        for rule in batch.resources("AWS::EC2::SecurityGroupIngress").values()
        if rule["Properties"]["GroupId"]["Fn::GetAtt"][0] == group_id
    ]
    assert [(r["FromPort"], r["SourceSecurityGroupId"]["Fn::GetAtt"][0]) for r in ingress] == [
        (
            3001,
            next(
                n for n in batch.template["Resources"] if n.startswith("LoadBalancerSecurityGroup")
            ),
        )
    ]
    # Not the Dagster tasks' group: the docs server cannot reach gRPC or the database.
    assert "TasksSecurityGroup" not in group_id
