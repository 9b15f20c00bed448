"""The production instance (``deploy/dagster.yaml``), loaded as the webserver and the daemon load it.

Against the PostgreSQL server of ``TICKET_TEST_POSTGRES_DSN`` (a fresh database per test) and
moto's ECS, S3 and Secrets Manager:

- the storages are PostgreSQL and their migrations ran (the schema is at the head revision);
- the pools and run limits are the project's ``dagster.yaml``'s, and the queued coordinator
  applies them on PostgreSQL;
- a queued run is launched by the daemon's coordinator through the ``EcsRunLauncher``: the task
  definition it registers and the ``RunTask`` call it makes are inspected, the run task's
  environment alone opens the instance, and monitoring and termination reach the task;
- a run's compute logs land in S3.

The daemon's own ECS task (the "current task" the launcher copies cluster and networking from) is
a task started in moto, described by a small local HTTP server standing in for the ECS task
metadata endpoint (``ECS_CONTAINER_METADATA_URI_V4``). moto starts no container, so what runs in
the task is not exercised here (the image test does that).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import boto3
import dagster as dg
import psycopg2
import pytest
import yaml
from moto import mock_aws
from psycopg2.extensions import parse_dsn

REPO = Path(__file__).resolve().parents[2]
PRODUCTION_YAML = REPO / "deploy" / "dagster.yaml"
LOCAL_YAML = REPO / "dagster.yaml"

pytestmark = pytest.mark.postgres

REGION = "eu-west-1"
ACCOUNT = "123456789012"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/ticket-platform:2026-12-05"
PG_PASSWORD = "pg-password-never-in-a-task-definition"
REDSHIFT_PASSWORD = "redshift-password-never-in-a-task-definition"
LOG_BUCKET = "ticket-platform-dagster-logs"

# Variables the code reads that a run task does not get through `env_vars`, and why.
NOT_FORWARDED = {
    "TICKET_REDSHIFT_PASSWORD": "a secret: an ECS secret, never a plain variable",
    "TICKET_ALERT_SLACK_WEBHOOK_URL": "a secret: an ECS secret when Slack is used",
    "TICKET_DATA_DIR": "local data folder; the image sets it",
    "TICKET_WAREHOUSE_PATH": "the local DuckDB file",
    "TICKET_ALERT_LOG": "the local alert log (neither SNS nor Slack)",
    "TICKET_ALERT_AUDIT_DATABASE": "local; the warehouse in prod",
    "TICKET_PROGRESS": "progress bars of the command line",
    "TICKET_COLUMNS": "not a variable: the contract's column tuple",
}


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def _launcher_config() -> dict:
    return _yaml(PRODUCTION_YAML)["run_launcher"]["config"]


def _env_refs(node: object) -> set[str]:
    """Every variable the file reads (``{env: NAME}``)."""
    if isinstance(node, dict):
        if set(node) == {"env"}:
            return {node["env"]}
        return set().union(*(_env_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_env_refs(value) for value in node))
    return set()


# The code location the test launches: one op that prints, so a run has compute logs.
@dg.op
def say_hello() -> None:
    print("hello from the run worker")


@dg.job
def probe_job() -> None:
    say_hello()


probe_defs = dg.Definitions(jobs=[probe_job])


class _MetadataHandler(BaseHTTPRequestHandler):
    """The ECS task metadata endpoint v4: `/` describes the container, `/task` the task."""

    documents: ClassVar[dict[str, dict]] = {}

    def do_GET(self) -> None:
        body = json.dumps(self.documents.get(self.path.rstrip("/") or "/", {})).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def exit_stack() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


@dataclass
class Production:
    instance: dg.DagsterInstance
    home: Path
    dsn: str
    cluster_arn: str
    subnet_id: str
    security_group_id: str
    pg_secret_arn: str
    redshift_secret_arn: str
    daemon_env: dict[str, str]


@pytest.fixture
def production(postgres_database: str, tmp_path: Path, monkeypatch) -> Iterator[Production]:
    """deploy/dagster.yaml in a temporary DAGSTER_HOME, opened inside a moto account where the
    daemon runs as an ECS task, with the environment the daemon's task definition gives it."""
    pg = parse_dsn(postgres_database)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)

    server = ThreadingHTTPServer(("127.0.0.1", 0), _MetadataHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    with mock_aws():
        ec2 = boto3.client("ec2")
        vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        # DNS hostnames on, as in any VPC with interface endpoints (moto's ECS needs it too).
        ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
        subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        security_group_id = ec2.create_security_group(
            GroupName="dagster", Description="daemon and runs", VpcId=vpc_id
        )["GroupId"]

        secrets = boto3.client("secretsmanager")
        pg_secret_arn = secrets.create_secret(Name="dagster-pg", SecretString=PG_PASSWORD)["ARN"]
        redshift_secret_arn = secrets.create_secret(
            Name="warehouse", SecretString=REDSHIFT_PASSWORD
        )["ARN"]
        boto3.client("s3").create_bucket(
            Bucket=LOG_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )

        # The daemon: a Fargate service task in a private subnet, as the CDK stack runs it.
        ecs = boto3.client("ecs")
        cluster_arn = ecs.create_cluster(clusterName="ticket-platform")["cluster"]["clusterArn"]
        ecs.register_task_definition(
            family="ticket-platform-daemon",
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="512",
            memory="1024",
            containerDefinitions=[
                {"name": "daemon", "image": IMAGE, "essential": True, "memory": 1024}
            ],
        )
        daemon_task = ecs.run_task(
            cluster=cluster_arn,
            taskDefinition="ticket-platform-daemon",
            launchType="FARGATE",
            networkConfiguration={
                "awsvpcConfiguration": {
                    "subnets": [subnet_id],
                    "securityGroups": [security_group_id],
                    "assignPublicIp": "DISABLED",
                }
            },
        )["tasks"][0]
        _MetadataHandler.documents = {
            "/": {"Name": "daemon"},
            "/task": {"Cluster": cluster_arn, "TaskARN": daemon_task["taskArn"]},
        }

        # Everything `env_vars` names is set on the daemon (empty = the platform's default).
        daemon_env = dict.fromkeys(_launcher_config()["env_vars"], "")
        daemon_env.update(
            DAGSTER_PG_HOST=pg.get("host", "127.0.0.1"),
            DAGSTER_PG_PORT=pg.get("port", "5432"),
            DAGSTER_PG_DB=pg["dbname"],
            DAGSTER_PG_USER=pg.get("user", "postgres"),
            PGSSLMODE="disable",  # the test server has no TLS; `require` on RDS
            DAGSTER_PG_PASSWORD_SECRET_ARN=pg_secret_arn,
            TICKET_REDSHIFT_PASSWORD_SECRET_ARN=redshift_secret_arn,
            DAGSTER_ECS_RUN_TASK_ROLE_ARN=f"arn:aws:iam::{ACCOUNT}:role/ticket-platform-run",
            DAGSTER_ECS_RUN_EXECUTION_ROLE_ARN=f"arn:aws:iam::{ACCOUNT}:role/ticket-platform-exec",
            DAGSTER_ECS_RUN_LOG_GROUP="/ticket-platform/runs",
            DAGSTER_COMPUTE_LOGS_BUCKET=LOG_BUCKET,
            DAGSTER_COMPUTE_LOGS_PREFIX="compute-logs",
            TICKET_PLATFORM_ENV="prod",
            TICKET_LANDING_URI="s3://lake/landing",
            TICKET_REDSHIFT_HOST="workgroup.example",
            TICKET_REDSHIFT_USER="loader",
            TICKET_REDSHIFT_IAM_ROLE_ARN=f"arn:aws:iam::{ACCOUNT}:role/copy",
            TICKET_REDSHIFT_STAGING_URI="s3://lake/_staging",
        )
        # ... and the password itself, which ECS gives the daemon as a secret.
        daemon_env["DAGSTER_PG_PASSWORD"] = PG_PASSWORD
        daemon_env["ECS_CONTAINER_METADATA_URI_V4"] = f"http://127.0.0.1:{server.server_port}"
        for name, value in daemon_env.items():
            monkeypatch.setenv(name, value)

        home = tmp_path / "dagster_home"
        home.mkdir()
        shutil.copy(PRODUCTION_YAML, home / "dagster.yaml")
        monkeypatch.setenv("DAGSTER_HOME", str(home))
        instance = dg.DagsterInstance.get()
        try:
            yield Production(
                instance=instance,
                home=home,
                dsn=postgres_database,
                cluster_arn=cluster_arn,
                subnet_id=subnet_id,
                security_group_id=security_group_id,
                pg_secret_arn=pg_secret_arn,
                redshift_secret_arn=redshift_secret_arn,
                daemon_env=daemon_env,
            )
        finally:
            instance.dispose()
            server.shutdown()


def test_storage_is_postgresql_at_the_head_migration(production: Production) -> None:
    from alembic.script import ScriptDirectory
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage
    from dagster_postgres import run_storage as pg_run_storage
    from dagster_postgres.schedule_storage import PostgresScheduleStorage
    from dagster_postgres.utils import pg_alembic_config

    instance = production.instance
    assert isinstance(instance.run_storage, PostgresRunStorage)
    assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
    assert isinstance(instance.schedule_storage, PostgresScheduleStorage)

    head = ScriptDirectory.from_config(pg_alembic_config(pg_run_storage.__file__)).get_heads()
    with psycopg2.connect(production.dsn) as connection, connection.cursor() as cursor:
        cursor.execute("select version_num from alembic_version")
        assert [row[0] for row in cursor.fetchall()] == head
        cursor.execute(
            "select table_name from information_schema.tables where table_schema = 'public'"
        )
        tables = {row[0] for row in cursor.fetchall()}
    assert {"runs", "event_logs", "jobs", "instigators", "concurrency_limits"} <= tables
    # Opening an instance again finds the schema migrated and changes nothing.
    instance.upgrade()
    assert instance.get_runs() == []

    # The password came from the environment and is kept nowhere in the instance's reference
    # (which every launched run receives in its command).
    ref = json.dumps(dg.serialize_value(instance.get_ref()))
    assert PG_PASSWORD not in ref and "DAGSTER_PG_PASSWORD" in ref


def test_pools_and_run_limits_are_the_projects(production: Production, tmp_path: Path) -> None:
    assert _yaml(PRODUCTION_YAML)["concurrency"] == _yaml(LOCAL_YAML)["concurrency"]

    local_home = tmp_path / "local_home"
    local_home.mkdir()
    shutil.copy(LOCAL_YAML, local_home / "dagster.yaml")
    local = dg.DagsterInstance.from_config(str(local_home))
    try:
        expected = local.get_concurrency_config()
    finally:
        local.dispose()
    actual = production.instance.get_concurrency_config()
    assert actual.pool_config == expected.pool_config
    assert actual.pool_config.default_pool_limit == 1
    queue, expected_queue = actual.run_queue_config, expected.run_queue_config
    assert queue is not None and expected_queue is not None
    assert queue.max_concurrent_runs == expected_queue.max_concurrent_runs
    assert queue.tag_concurrency_limits == expected_queue.tag_concurrency_limits
    assert queue.should_block_op_concurrency_limited_runs

    instance = production.instance
    assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    assert instance.run_monitoring_enabled
    assert instance.run_monitoring_max_resume_run_attempts == 1
    assert instance.run_launcher.supports_resume_run
    assert instance.run_retries_enabled and instance.run_retries_max_retries == 1

    # The ingest pool's limit holds on PostgreSQL: a second load waits for the first.
    storage = instance.event_log_storage
    storage.initialize_concurrency_limit_to_default("ticket_ingest")
    first = storage.claim_concurrency_slot("ticket_ingest", "run-a", "load")
    second = storage.claim_concurrency_slot("ticket_ingest", "run-b", "load")
    assert first.is_claimed and not second.is_claimed
    storage.free_concurrency_slot_for_step("run-a", "load")
    assert storage.claim_concurrency_slot("ticket_ingest", "run-b", "load").is_claimed


def test_run_task_gets_every_setting_and_no_secret_in_clear() -> None:
    """Each variable the code reads, and each one this file reads, reaches the run task."""
    config = _launcher_config()
    forwarded = set(config["env_vars"])
    secret_names = {secret["name"] for secret in config["secrets"]}
    read_by_code = {
        name
        for path in (REPO / "ticket_platform").rglob("*.py")
        for name in re.findall(r"\"(TICKET_[A-Z0-9_]+)\"", path.read_text())
    }
    assert read_by_code - forwarded - secret_names - set(NOT_FORWARDED) == set()
    assert not forwarded & set(NOT_FORWARDED)
    read_by_instance = _env_refs(_yaml(PRODUCTION_YAML)) | {"PGSSLMODE"}
    assert read_by_instance - forwarded - secret_names == set()
    assert config["secrets_tag"] is None


@dataclass
class _Daemon:
    """The daemon's queued run coordinator, over an in-process code location whose image is
    IMAGE (a code server reports its DAGSTER_CURRENT_IMAGE the same way)."""

    instance: dg.DagsterInstance
    process: object
    remote_job: object
    coordinator: object

    def submit(self, partition: str) -> str:
        run = self.instance.create_run_for_job(
            probe_job,
            remote_job_origin=self.remote_job.get_remote_origin(),
            job_code_origin=self.remote_job.get_python_origin(),
            tags={"ticket/ingest_partition": partition, "dagster/partition": partition},
        )
        self.instance.submit_run(run.run_id, self.process.create_request_context())
        return run.run_id

    def dequeue(self) -> None:
        list(self.coordinator.run_iteration(self.process))


@contextmanager
def _daemon(instance: dg.DagsterInstance) -> Iterator[_Daemon]:
    from dagster._core.remote_origin import InProcessCodeLocationOrigin
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget
    from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import (
        QueuedRunCoordinatorDaemon,
    )

    origin = InProcessCodeLocationOrigin(
        LoadableTargetOrigin(python_file=__file__, attribute="probe_defs"),
        container_image=IMAGE,
        location_name="ticket_platform",
    )
    with (
        WorkspaceProcessContext(instance, InProcessWorkspaceLoadTarget([origin])) as process,
        QueuedRunCoordinatorDaemon(interval_seconds=2) as coordinator,
    ):
        location = process.create_request_context().get_code_location("ticket_platform")
        repository = next(iter(location.get_repositories().values()))
        yield _Daemon(instance, process, repository.get_full_job("probe_job"), coordinator)


def _task_level_resources(task_definition) -> dict:
    """moto (5.2) sums container-level memory and fails when a container has none; Fargate takes
    task-level cpu and memory alone, which is what the launcher registers."""
    return {"CPU": 0, "MEMORY": int(task_definition.memory or 0), "PORTS": [], "PORTS_UDP": []}


def test_queued_run_launches_as_a_fargate_task(
    production: Production, monkeypatch, exit_stack: ExitStack
) -> None:
    from moto.ecs.models import EC2ContainerServiceBackend

    monkeypatch.setattr(
        EC2ContainerServiceBackend,
        "_calculate_task_resource_requirements",
        staticmethod(_task_level_resources),
    )
    instance = production.instance
    launcher = instance.run_launcher
    run_task_calls: list[dict] = []
    launcher.ecs.meta.events.register(
        "provide-client-params.ecs.RunTask",
        lambda params, **kwargs: run_task_calls.append(json.loads(json.dumps(params))),
    )

    # Two runs for the same landing day and one for another: the tag limit launches one per day.
    daemon = exit_stack.enter_context(_daemon(instance))
    first, same_day, other_day = (
        daemon.submit(day) for day in ("2025-08-08", "2025-08-08", "2025-08-09")
    )
    daemon.dequeue()
    statuses = {run_id: instance.get_run_by_id(run_id).status for run_id in (first, same_day)}
    assert sorted(status.value for status in statuses.values()) == ["QUEUED", "STARTING"]
    assert instance.get_run_by_id(other_day).status == dg.DagsterRunStatus.STARTING
    launched = [run_id for run_id, status in statuses.items() if status.value == "STARTING"]
    launched.append(other_day)
    assert len(run_task_calls) == 2

    ecs = boto3.client("ecs")
    # One task definition family per job. The two launches ran in parallel (dequeue threads), so
    # both may have registered a revision before seeing the other's: the revisions are the same.
    families = ecs.list_task_definition_families(familyPrefix="ticket-run")["families"]
    assert len(families) == 1 and "probe_job" in families[0]
    arns = ecs.list_task_definitions(familyPrefix=families[0])["taskDefinitionArns"]
    revisions = [ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"] for arn in arns]
    assert 1 <= len(revisions) <= 2
    assert all(
        revision["containerDefinitions"] == revisions[0]["containerDefinitions"]
        for revision in revisions
    )
    definition = revisions[-1]
    assert definition["requiresCompatibilities"] == ["FARGATE"]
    assert definition["networkMode"] == "awsvpc"
    assert (definition["cpu"], definition["memory"]) == ("1024", "4096")
    assert definition["taskRoleArn"] == production.daemon_env["DAGSTER_ECS_RUN_TASK_ROLE_ARN"]
    assert (
        definition["executionRoleArn"]
        == production.daemon_env["DAGSTER_ECS_RUN_EXECUTION_ROLE_ARN"]
    )
    [container] = definition["containerDefinitions"]
    assert container["name"] == "run"
    assert container["image"] == IMAGE
    assert container["logConfiguration"]["logDriver"] == "awslogs"
    assert container["logConfiguration"]["options"]["awslogs-group"] == "/ticket-platform/runs"
    assert sorted(container["secrets"], key=lambda secret: secret["name"]) == [
        {"name": "DAGSTER_PG_PASSWORD", "valueFrom": production.pg_secret_arn},
        {"name": "TICKET_REDSHIFT_PASSWORD", "valueFrom": production.redshift_secret_arn},
    ]
    environment = {item["name"]: item["value"] for item in container["environment"]}
    assert set(environment) == {*_launcher_config()["env_vars"], "DAGSTER_RUN_JOB_NAME"}
    assert environment["TICKET_PLATFORM_ENV"] == "prod"
    assert environment["DAGSTER_PG_HOST"] == production.daemon_env["DAGSTER_PG_HOST"]
    text = json.dumps(definition)
    assert PG_PASSWORD not in text and REDSHIFT_PASSWORD not in text

    # The RunTask call: the daemon's cluster and network, Fargate, the run's command.
    call = next(call for call in run_task_calls if launched[0] in json.dumps(call["tags"]))
    assert call["cluster"] == production.cluster_arn
    assert call["launchType"] == "FARGATE"
    assert call["taskDefinition"] == families[0]
    assert call["networkConfiguration"] == {
        "awsvpcConfiguration": {
            "subnets": [production.subnet_id],
            "securityGroups": [production.security_group_id],
            "assignPublicIp": "DISABLED",
        }
    }
    assert call["overrides"]["cpu"] == "1024" and call["overrides"]["memory"] == "4096"
    [override] = call["overrides"]["containerOverrides"]
    # The command carries this instance's whole configuration (the run worker opens it from
    # there), and ECS refuses overrides over 8,192 characters, formatting included.
    assert len(json.dumps(call["overrides"])) < 8192 - 1000
    assert override["name"] == "run"
    assert override["command"][:3] == ["dagster", "api", "execute_run"]
    tags = {tag["key"]: tag["value"] for tag in call["tags"]}
    assert tags["dagster/run_id"] == launched[0]
    assert tags["dagster/job_name"] == "probe_job"
    assert tags["ticket/ingest_partition"] == tags["dagster/partition"] == "2025-08-08"
    assert PG_PASSWORD not in json.dumps(call) and REDSHIFT_PASSWORD not in json.dumps(call)

    # moto holds the task, and the run knows its task: monitoring and termination reach it.
    run = instance.get_run_by_id(launched[0])
    [task] = ecs.describe_tasks(cluster=production.cluster_arn, tasks=[run.tags["ecs/task_arn"]])[
        "tasks"
    ]
    assert task["launchType"] == "FARGATE"
    assert task["overrides"]["containerOverrides"][0]["command"] == override["command"]
    assert launcher.check_run_worker_health(run).status.name == "RUNNING"
    assert launcher.terminate(launched[0])
    [stopped] = ecs.describe_tasks(cluster=production.cluster_arn, tasks=[task["taskArn"]])["tasks"]
    assert stopped["lastStatus"] == "STOPPED"

    # The day is free again: the waiting run launches, on the registered definition (no new
    # revision: RegisterTaskDefinition is throttled, and a backfill launches many runs).
    instance.report_run_canceled(instance.get_run_by_id(launched[0]))
    daemon.dequeue()
    waiting = same_day if launched[0] == first else first
    assert instance.get_run_by_id(waiting).status == dg.DagsterRunStatus.STARTING
    assert len(run_task_calls) == 3
    assert ecs.list_task_definitions(familyPrefix=families[0])["taskDefinitionArns"] == arns

    # What the run worker gets: only the task definition's environment and its secrets (which ECS
    # resolves), plus what Fargate sets itself. With that alone it opens the instance.
    args = dg.deserialize_value(override["command"][3])
    secret_values = {
        secret["name"]: boto3.client("secretsmanager").get_secret_value(
            SecretId=secret["valueFrom"]
        )["SecretString"]
        for secret in container["secrets"]
    }
    task_env = {
        **environment,
        **secret_values,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    for name in list(os.environ):
        if name not in ("PATH", "HOME"):
            monkeypatch.delenv(name)
    for name, value in task_env.items():
        monkeypatch.setenv(name, value)
    worker_instance = dg.DagsterInstance.from_ref(args.instance_ref)
    try:
        assert worker_instance.get_run_by_id(launched[0]).run_id == launched[0]
        assert type(worker_instance.compute_log_manager).__name__ == "S3ComputeLogManager"
    finally:
        worker_instance.dispose()


def test_compute_logs_go_to_s3(production: Production) -> None:
    instance = production.instance
    result = probe_job.execute_in_process(instance=instance)
    assert result.success
    # The run and its events are in PostgreSQL ...
    assert instance.get_run_by_id(result.run_id).status == dg.DagsterRunStatus.SUCCESS
    # ... and what the op printed is in the bucket, under the configured prefix.
    s3 = boto3.client("s3")
    keys = [
        item["Key"]
        for item in s3.list_objects_v2(Bucket=LOG_BUCKET).get("Contents", [])
        if result.run_id in item["Key"]
    ]
    assert keys and all(key.startswith("compute-logs/storage/") for key in keys)
    stdout = [key for key in keys if key.endswith(".out")]
    assert len(stdout) == 1
    body = s3.get_object(Bucket=LOG_BUCKET, Key=stdout[0])["Body"].read().decode()
    assert "hello from the run worker" in body
