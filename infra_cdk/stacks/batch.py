"""TicketBatchStack: the batch side (Dagster) on ECS Fargate.

- an ECR repository for the code location's image (``Dockerfile``);
- a VPC (public subnets for the load balancer, private ones for tasks and the database);
- RDS PostgreSQL for the instance's storage (``deploy/dagster.yaml``), its password in Secrets
  Manager;
- an ECS cluster with three services: the webserver behind an HTTPS load balancer whose listener
  authenticates every request with Cognito, the daemon (exactly one task) and the code server;
- the run task role, execution role and log group the ``EcsRunLauncher`` registers each run's
  task definition with, and the daemon's permission to start those tasks.

**User code in a code server (gRPC, reached through Cloud Map), not in-process.** The run
launcher takes the runs' image from the code server's ``DAGSTER_CURRENT_IMAGE``; a new image
rolls one service and the webserver and daemon pick it up by reloading the location, without
restarting; a crash or a slow import of the user code (dbt manifest, models) does not take the
UI or the daemon down; the webserver and the daemon need none of the data permissions (only the
code server and the runs hold ``BatchPlatformPolicy``). It costs one more small task.

**The dbt docs** (``dbt-docs/`` in the ticket bucket, published by the ``dbt_docs`` asset) are
served at ``https://<domain>/docs/`` behind the same login: a listener rule forwards ``/docs`` and
``/docs/*``, authenticated by the same Cognito action, to a small docs-server service
(``components/batch_docs.py``).

The pieces: ``components/batch_database.py`` (RDS), ``batch_login.py`` (Cognito + load balancer),
``batch_tasks.py`` (task definitions), ``batch_launcher.py`` (the run launcher's grants),
``batch_docs.py`` (the docs), ``batch_policy.py`` (the data permissions), ``batch_env.py`` (the
instance's variables).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_servicediscovery as servicediscovery
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra_cdk import checkov
from infra_cdk.components.batch_compute_logs import ComputeLogs
from infra_cdk.components.batch_database import PG_DATABASE, PG_USER, instance_database
from infra_cdk.components.batch_docs import docs_service, docs_uri
from infra_cdk.components.batch_env import instance_environment
from infra_cdk.components.batch_launcher import (
    RunRoles,
    grant_launch_runs,
    grant_watch_and_stop_runs,
)
from infra_cdk.components.batch_login import Login
from infra_cdk.components.batch_network import batch_vpc
from infra_cdk.components.batch_policy import BatchPlatformPolicy
from infra_cdk.components.batch_tasks import TaskImage, image_task
from infra_cdk.components.batch_warehouse import REDSHIFT_PORT, ServerlessWarehouse
from infra_cdk.components.log_groups import log_group
from infra_cdk.config import AppConfig
from infra_cdk.nag import acknowledge

WEBSERVER_PORT = 3000
CODE_SERVER_PORT = 4000
CODE_SERVER_NAME = "code"


class RealtimeResources:
    """What the batch platform uses of the real-time stack: its objects (same app) or imports
    by name/ARN (the batch stack alone)."""

    def __init__(
        self,
        *,
        bucket: s3.IBucket,
        alert_topic: sns.ITopic,
        alert_key: kms.IKey,
        warehouse_secret: secretsmanager.ISecret,
        batch_policy: iam.IManagedPolicy | None = None,
        copy_role: iam.IRole | None = None,
    ) -> None:
        self.bucket = bucket
        self.copy_role = copy_role
        self.alert_topic = alert_topic
        self.alert_key = alert_key
        self.warehouse_secret = warehouse_secret
        self.batch_policy = batch_policy


class TicketBatchStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: AppConfig,
        realtime: RealtimeResources | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        assert config.batch_domain_name and config.batch_certificate_arn  # config.py checks
        removal = RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY
        shared = realtime or self._import_realtime(config)

        self.vpc = batch_vpc(self, config=config, removal=removal)
        private = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
        self.repository = ecr.Repository(
            self,
            "Repository",
            image_scan_on_push=True,
            # A tag names one image forever: deploy with -c batchImageTag=<git sha>.
            image_tag_mutability=ecr.TagMutability.IMMUTABLE,
            lifecycle_rules=[ecr.LifecycleRule(max_image_count=30)],
            removal_policy=removal,
            empty_on_delete=not config.retain_data,
        )
        checkov.skip(
            self.repository,
            "CKV_AWS_136",
            "ECR encrypts images at rest with AES-256 by default; the image holds code and the "
            "dbt project, no data or secrets, so a customer-managed KMS key adds cost only.",
        )
        self.tasks_sg = ec2.SecurityGroup(
            self, "TasksSecurityGroup", vpc=self.vpc, description="Dagster ECS tasks"
        )
        self.database = instance_database(
            self, vpc=self.vpc, clients=self.tasks_sg, config=config, removal=removal
        )
        db_secret = self.database.secret
        assert db_secret is not None
        self.compute_logs = ComputeLogs(self)
        self.warehouse = (
            ServerlessWarehouse(
                self,
                vpc=self.vpc,
                clients=self.tasks_sg,
                config=config,
                removal=removal,
                secret=shared.warehouse_secret,
                copy_role=shared.copy_role,
            )
            if config.redshift_serverless and shared.copy_role
            else None
        )

        namespace_name = f"dagster.{config.env_name}.internal"
        self.cluster = ecs.Cluster(
            self,
            "Cluster",
            vpc=self.vpc,
            container_insights_v2=ecs.ContainerInsights.ENABLED,
            default_cloud_map_namespace=ecs.CloudMapNamespaceOptions(
                name=namespace_name, vpc=self.vpc, use_for_service_connect=False
            ),
        )
        self.run_logs = log_group(
            self, "RunLogs", days=config.log_retention_days, removal_policy=removal
        )
        image_uri = self.repository.repository_uri_for_tag(config.batch_image_tag or "none")
        image = TaskImage(self.repository, image_uri, config.log_retention_days, removal)
        code_host = f"{CODE_SERVER_NAME}.{namespace_name}"

        slack = (
            secretsmanager.Secret.from_secret_complete_arn(
                self, "SlackWebhook", config.batch_slack_webhook_secret_arn
            )
            if config.batch_slack_webhook_secret_arn
            else None
        )
        # The runs: the launcher registers their task definition with these two roles.
        runs = RunRoles(
            self,
            repository=self.repository,
            logs_group=self.run_logs,
            injected_secrets=[db_secret, shared.warehouse_secret, *([slack] if slack else [])],
        )
        self.run_task_role, self.run_execution_role = runs.task_role, runs.execution_role
        batch_policy = shared.batch_policy or BatchPlatformPolicy(
            self,
            "BatchPlatformPolicy",
            bucket=shared.bucket,
            staging_prefix=config.staging_prefix,
            secret=shared.warehouse_secret,
            alert_topic=shared.alert_topic,
            alert_key=shared.alert_key,
            judge_model_id=config.bedrock_model_id,
        )
        self.batch_policy = batch_policy

        environment = self._environment(config, shared, db_secret_arn=db_secret.secret_arn)
        secrets = {
            "DAGSTER_PG_PASSWORD": ecs.Secret.from_secrets_manager(db_secret, "password"),
            "TICKET_REDSHIFT_PASSWORD": ecs.Secret.from_secrets_manager(
                shared.warehouse_secret, "password"
            ),
        }
        if slack:
            secrets["TICKET_ALERT_SLACK_WEBHOOK_URL"] = ecs.Secret.from_secrets_manager(slack)
            # Read by deploy/dagster.yaml's (commented) Slack entry of the launcher's secrets:
            # uncomment it there so runs receive the webhook too.
            environment["TICKET_ALERT_SLACK_WEBHOOK_SECRET_ARN"] = slack.secret_arn
        desired = 1 if config.batch_image_tag else 0

        # The code server: gRPC on 4000, found by the webserver and the daemon through Cloud Map.
        code = image_task(
            self,
            "CodeServer",
            image=image,
            command=[
                *("dagster", "code-server", "start", "-h", "0.0.0.0"),
                *("-p", str(CODE_SERVER_PORT), "-m", "ticket_platform.definitions"),
            ],
            environment={**environment, "DAGSTER_CURRENT_IMAGE": image_uri},
            secrets=secrets,
            port=CODE_SERVER_PORT,
            cpu=1024,
            memory=4096,
        )
        code.task_role.add_managed_policy(batch_policy)
        self.compute_logs.grant_write(code.task_role)
        self.code_service = ecs.FargateService(
            self,
            "CodeServerService",
            cluster=self.cluster,
            task_definition=code,
            desired_count=desired,
            security_groups=[self.tasks_sg],
            vpc_subnets=private,
            cloud_map_options=ecs.CloudMapOptions(
                name=CODE_SERVER_NAME,
                dns_record_type=servicediscovery.DnsRecordType.A,
                dns_ttl=Duration.seconds(10),
            ),
            circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
            min_healthy_percent=100,
            max_healthy_percent=200,
        )
        self.tasks_sg.add_ingress_rule(
            self.tasks_sg, ec2.Port.tcp(CODE_SERVER_PORT), "gRPC between Dagster tasks"
        )

        grpc = ["--grpc-host", code_host, "--grpc-port", str(CODE_SERVER_PORT)]
        # The daemon: creates the warehouse tables once, then runs the daemon (exactly one task).
        daemon = image_task(
            self,
            "Daemon",
            image=image,
            entry_point=["sh", "-c"],
            command=["ticket-platform init && exec dagster-daemon run " + " ".join(grpc)],
            environment=environment,
            secrets=secrets,
            cpu=512,
            memory=1024,
        )
        grant_launch_runs(
            daemon.task_role,
            cluster=self.cluster,
            run_roles=[runs.task_role, runs.execution_role],
            run_logs=self.run_logs,
        )
        self.daemon_service = ecs.FargateService(
            self,
            "DaemonService",
            cluster=self.cluster,
            task_definition=daemon,
            desired_count=desired,
            security_groups=[self.tasks_sg],
            vpc_subnets=private,
            # Stop the old daemon before starting the new one: two daemons would both dequeue
            # runs and evaluate sensors.
            min_healthy_percent=0,
            max_healthy_percent=100,
            circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
        )

        # The webserver: behind the load balancer.
        web = image_task(
            self,
            "Webserver",
            image=image,
            command=["dagster-webserver", "-h", "0.0.0.0", "-p", str(WEBSERVER_PORT), *grpc],
            environment=environment,
            secrets=secrets,
            port=WEBSERVER_PORT,
            cpu=512,
            memory=2048,
        )
        grant_watch_and_stop_runs(web.task_role, cluster=self.cluster)
        self.compute_logs.grant_read(web.task_role)
        self.web_service = ecs.FargateService(
            self,
            "WebserverService",
            cluster=self.cluster,
            task_definition=web,
            desired_count=desired,
            security_groups=[self.tasks_sg],
            vpc_subnets=private,
            circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
            min_healthy_percent=100,
            max_healthy_percent=200,
        )

        # The run task role: the platform's data and the compute logs, nothing of ECS.
        self.run_task_role.add_managed_policy(batch_policy)
        self.compute_logs.grant_write(self.run_task_role)

        web_targets = elbv2.ApplicationTargetGroup(
            self,
            "WebserverTargets",
            vpc=self.vpc,
            port=WEBSERVER_PORT,
            protocol=elbv2.ApplicationProtocol.HTTP,
            targets=[self.web_service],
            health_check=elbv2.HealthCheck(path="/server_info", healthy_http_codes="200"),
            deregistration_delay=Duration.seconds(30),
        )
        self.login = Login(self, vpc=self.vpc, config=config, removal=removal, default=web_targets)
        self.docs_service = docs_service(
            self,
            image=image,
            cluster=self.cluster,
            login=self.login,
            bucket=shared.bucket,
            desired_count=desired,
        )
        self._explain(code=code, daemon=daemon, web=web)
        self._outputs(db_secret, config)

    # --- pieces ---------------------------------------------------------------------------------

    def _import_realtime(self, config: AppConfig) -> RealtimeResources:
        assert config.batch_bucket_name and config.batch_alert_topic_arn
        assert config.batch_alert_key_arn and config.batch_warehouse_secret_arn
        copy_role = (
            iam.Role.from_role_arn(
                self, "CopyRole", config.batch_redshift_copy_role_arn, mutable=False
            )
            if config.batch_redshift_copy_role_arn
            else None
        )
        return RealtimeResources(
            copy_role=copy_role,
            bucket=s3.Bucket.from_bucket_name(self, "TicketBucket", config.batch_bucket_name),
            alert_topic=sns.Topic.from_topic_arn(self, "AlertTopic", config.batch_alert_topic_arn),
            alert_key=kms.Key.from_key_arn(self, "AlertKey", config.batch_alert_key_arn),
            warehouse_secret=secretsmanager.Secret.from_secret_complete_arn(
                self, "WarehouseSecret", config.batch_warehouse_secret_arn
            ),
        )

    def _environment(
        self, config: AppConfig, shared: RealtimeResources, *, db_secret_arn: str
    ) -> dict[str, str]:
        """The instance's variables (deploy/dagster.yaml ``env_vars``) this stack knows. No
        password: those are ECS secrets."""
        bucket = shared.bucket.bucket_name
        known = {
            "DAGSTER_PG_HOST": self.database.db_instance_endpoint_address,
            "DAGSTER_PG_PORT": self.database.db_instance_endpoint_port,
            "DAGSTER_PG_DB": PG_DATABASE,
            "DAGSTER_PG_USER": PG_USER,
            "PGSSLMODE": "require",
            "DAGSTER_PG_PASSWORD_SECRET_ARN": f"{db_secret_arn}:password::",
            "TICKET_REDSHIFT_PASSWORD_SECRET_ARN": (
                f"{shared.warehouse_secret.secret_arn}:password::"
            ),
            "DAGSTER_ECS_RUN_TASK_ROLE_ARN": self.run_task_role.role_arn,
            "DAGSTER_ECS_RUN_EXECUTION_ROLE_ARN": self.run_execution_role.role_arn,
            "DAGSTER_ECS_RUN_LOG_GROUP": self.run_logs.log_group_name,
            "DAGSTER_COMPUTE_LOGS_BUCKET": self.compute_logs.bucket.bucket_name,
            "DAGSTER_COMPUTE_LOGS_PREFIX": self.compute_logs.prefix,
            "TICKET_PLATFORM_ENV": "prod",
            "TICKET_LANDING_URI": f"s3://{bucket}",
            "TICKET_DBT_TARGET": "prod",
            "TICKET_REDSHIFT_DATABASE": config.redshift_database,
            "TICKET_REDSHIFT_USER": config.redshift_user,
            "TICKET_REDSHIFT_STAGING_URI": f"s3://{bucket}/{config.staging_prefix}",
            "TICKET_ALERT_SNS_TOPIC_ARN": shared.alert_topic.topic_arn,
            "TICKET_DOCS_URI": docs_uri(shared.bucket),
            "TICKET_DAGSTER_UI_URL": f"https://{config.batch_domain_name}",
        }
        if shared.copy_role:
            known["TICKET_REDSHIFT_IAM_ROLE_ARN"] = shared.copy_role.role_arn
        if self.warehouse:
            known["TICKET_REDSHIFT_HOST"] = self.warehouse.host
            known["TICKET_REDSHIFT_PORT"] = str(REDSHIFT_PORT)
        return instance_environment(known, dict(config.batch_environment))

    def _explain(
        self,
        *,
        code: ecs.FargateTaskDefinition,
        daemon: ecs.FargateTaskDefinition,
        web: ecs.FargateTaskDefinition,
    ) -> None:
        for task in (code, daemon, web):
            acknowledge(
                task,
                "AwsSolutions-ECS2",
                "Environment values are non-secret settings read from deploy/dagster.yaml's "
                "env_vars list (the launcher copies them into runs); passwords are ECS secrets.",
            )

    def _outputs(self, db_secret: secretsmanager.ISecret, config: AppConfig) -> None:
        for name, value, description in (
            ("RepositoryUri", self.repository.repository_uri, "docker push target"),
            (
                "LoadBalancerDns",
                self.login.load_balancer.load_balancer_dns_name,
                "CNAME the domain here",
            ),
            ("UserPoolId", self.login.user_pool.user_pool_id, "invite analysts here"),
            ("DagsterUrl", f"https://{config.batch_domain_name}/", "the Dagster UI"),
            ("DocsUrl", f"https://{config.batch_domain_name}/docs/", "the dbt docs, same login"),
            ("ClusterName", self.cluster.cluster_name, "ECS cluster of the services and runs"),
            ("DatabaseSecretArn", db_secret.secret_arn, "Dagster instance credentials"),
            ("RunTaskRoleArn", self.run_task_role.role_arn, "role of each run's task"),
        ):
            CfnOutput(self, name, value=value, description=description)
        if self.warehouse:
            CfnOutput(
                self,
                "WarehouseHost",
                value=self.warehouse.host,
                description="Redshift Serverless endpoint (TICKET_REDSHIFT_HOST of the tasks)",
            )
