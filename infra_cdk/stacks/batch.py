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

**The dbt docs** (``TICKET_DOCS_URI``, written by the platform to ``dbt-docs/`` in the ticket
bucket) are to be served behind the same login: a listener rule on this load balancer, path
``/docs/*``, authenticated by the same Cognito action, forwarding to a small static service (or
S3 + CloudFront with a Cognito-checking Lambda@Edge). Not built in this increment.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_elasticloadbalancingv2_actions as elb_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_rds as rds
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_servicediscovery as servicediscovery
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra_cdk import checkov
from infra_cdk.components.batch_env import instance_env_vars
from infra_cdk.components.batch_policy import BatchPlatformPolicy
from infra_cdk.components.log_groups import log_group
from infra_cdk.config import AppConfig
from infra_cdk.nag import acknowledge, arn_of, wildcard_resource

WEBSERVER_PORT = 3000
CODE_SERVER_PORT = 4000
CODE_SERVER_NAME = "code"
COMPUTE_LOGS_PREFIX = "compute-logs"
RUN_TASK_FAMILY_PREFIX = "ticket-run"  # deploy/dagster.yaml task_definition_prefix
PG_DATABASE = "dagster"
PG_USER = "dagster"


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
    ) -> None:
        self.bucket = bucket
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
        self._config = config
        self._removal = removal
        shared = realtime or self._import_realtime(config)

        # --- network --------------------------------------------------------------------------
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=1,  # one NAT: tasks pull images and call AWS APIs; see README (cost)
            restrict_default_security_group=False,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC),
                ec2.SubnetConfiguration(
                    name="private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS
                ),
            ],
        )
        flow_logs = log_group(
            self, "FlowLogs", days=config.log_retention_days, removal_policy=removal
        )
        self.vpc.add_flow_log(
            "FlowLog", destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs)
        )
        private = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)

        # --- image ----------------------------------------------------------------------------
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

        # --- instance storage -----------------------------------------------------------------
        self.tasks_sg = ec2.SecurityGroup(
            self, "TasksSecurityGroup", vpc=self.vpc, description="Dagster ECS tasks"
        )
        self.db_sg = ec2.SecurityGroup(
            self,
            "DatabaseSecurityGroup",
            vpc=self.vpc,
            description="Dagster instance PostgreSQL",
            allow_all_outbound=False,
        )
        self.db_sg.add_ingress_rule(self.tasks_sg, ec2.Port.tcp(5432), "Dagster tasks")
        self.database = rds.DatabaseInstance(
            self,
            "Database",
            # A pinned minor (cfn-lint refuses a bare major as deprecated); minor upgrades are
            # applied by RDS in the maintenance window (auto_minor_version_upgrade).
            engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_9),
            instance_type=ec2.InstanceType.of(
                ec2.InstanceClass.BURSTABLE4_GRAVITON, ec2.InstanceSize.SMALL
            ),
            vpc=self.vpc,
            vpc_subnets=private,
            security_groups=[self.db_sg],
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
        db_logs = log_group(
            self,
            "DatabaseLogs",
            days=config.log_retention_days,
            removal_policy=removal,
            name=f"/aws/rds/instance/ticket-dagster-{config.env_name}/postgresql",
        )
        self.database.node.add_dependency(db_logs)
        db_secret = self.database.secret
        assert db_secret is not None

        # --- compute logs ---------------------------------------------------------------------
        self.compute_logs = s3.Bucket(
            self,
            "ComputeLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            lifecycle_rules=[
                s3.LifecycleRule(expiration=Duration.days(90)),
                s3.LifecycleRule(noncurrent_version_expiration=Duration.days(7)),
                s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(7)),
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )

        # --- ECS ------------------------------------------------------------------------------
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
        image_tag = config.batch_image_tag or "none"
        image_uri = self.repository.repository_uri_for_tag(image_tag)
        code_host = f"{CODE_SERVER_NAME}.{namespace_name}"

        # The runs: the launcher registers their task definition with these two roles.
        self.run_task_role = iam.Role(
            self,
            "RunTaskRole",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description="Dagster runs: the batch platform's data permissions, no ECS control",
        )
        self.run_execution_role = iam.Role(
            self,
            "RunExecutionRole",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description="Dagster runs: pull the image, read the injected secrets, write logs",
        )
        self.repository.grant_pull(self.run_execution_role)
        self.run_logs.grant_write(self.run_execution_role)
        injected = [db_secret, shared.warehouse_secret]
        slack = (
            secretsmanager.Secret.from_secret_complete_arn(
                self, "SlackWebhook", config.batch_slack_webhook_secret_arn
            )
            if config.batch_slack_webhook_secret_arn
            else None
        )
        if slack:
            injected.append(slack)
        self.run_execution_role.add_to_policy(
            iam.PolicyStatement(
                sid="InjectedSecrets",
                actions=["secretsmanager:GetSecretValue"],
                resources=[secret.secret_arn for secret in injected],
            )
        )
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
        code = self._task(
            "CodeServer",
            image_uri=image_uri,
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
        self._write_compute_logs(code.task_role)
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
        daemon = self._task(
            "Daemon",
            image_uri=image_uri,
            entry_point=["sh", "-c"],
            command=["ticket-platform init && exec dagster-daemon run " + " ".join(grpc)],
            environment=environment,
            secrets=secrets,
            cpu=512,
            memory=1024,
        )
        self._grant_launcher(daemon.task_role)
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
        web = self._task(
            "Webserver",
            image_uri=image_uri,
            command=["dagster-webserver", "-h", "0.0.0.0", "-p", str(WEBSERVER_PORT), *grpc],
            environment=environment,
            secrets=secrets,
            port=WEBSERVER_PORT,
            cpu=512,
            memory=2048,
        )
        self._grant_terminate(web.task_role)
        web.task_role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="ReadComputeLogs",
                actions=["s3:GetObject"],
                resources=[self.compute_logs.arn_for_objects(f"{COMPUTE_LOGS_PREFIX}/*")],
            )
        )
        web.task_role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="ListComputeLogs",
                actions=["s3:ListBucket"],
                resources=[self.compute_logs.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{COMPUTE_LOGS_PREFIX}/*"]}},
            )
        )
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
        self._write_compute_logs(self.run_task_role)

        self._load_balancer(config, web_service=self.web_service)
        self._acknowledge(db_secret, [code, daemon, web])
        self._acknowledge_iam(code=code, daemon=daemon, web=web)
        self._checkov_skips()
        self._outputs(db_secret)

    def _access_logs(self, config: AppConfig) -> None:
        bucket = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            lifecycle_rules=[
                s3.LifecycleRule(expiration=Duration.days(config.access_log_retention_days)),
                s3.LifecycleRule(noncurrent_version_expiration=Duration.days(7)),
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.load_balancer.log_access_logs(bucket, prefix="alb")
        self.access_logs = bucket
        acknowledge(
            bucket,
            "AwsSolutions-S1",
            "This bucket receives the load balancer's access logs; logging access to the log "
            "bucket itself would need another bucket (CloudTrail records who reads it).",
        )
        checkov.skip(
            bucket,
            "CKV_AWS_18",
            "The load balancer's access-log bucket; its own access logs would need yet another "
            "bucket, and CloudTrail records who reads it.",
        )

    def _write_compute_logs(self, role: iam.IRole) -> None:
        """S3ComputeLogManager uploads each step's output (PutObject, multipart included)."""
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="WriteComputeLogs",
                actions=["s3:PutObject"],
                resources=[self.compute_logs.arn_for_objects(f"{COMPUTE_LOGS_PREFIX}/*")],
            )
        )

    def _checkov_skips(self) -> None:
        checkov.skip(
            self.database.node.find_child("Secret"),
            "CKV_AWS_149",
            "Encrypted with the AWS managed key (aws/secretsmanager); only this stack's task "
            "execution roles read it, and a customer-managed key would add a key policy to keep "
            "in step without narrowing who can read it.",
        )
        checkov.skip(
            self.database,
            "CKV_AWS_157",
            "Single-AZ on purpose: the database holds Dagster's run history only (7 days of "
            "backups); Multi-AZ would double its cost (README, cost at rest).",
        )
        checkov.skip(
            self.database,
            "CKV_AWS_161",
            "dagster-postgres authenticates with a password (an ECS secret) and cannot refresh "
            "IAM tokens; only the tasks' security group reaches the instance.",
        )
        checkov.skip(
            self.compute_logs,
            "CKV_AWS_18",
            "Dagster op output, written and read only by this stack's task roles (CloudTrail "
            "records access); access logs of a log bucket would need yet another bucket.",
        )
        checkov.skip(
            self.lb_sg,
            "CKV_AWS_260",
            "Port 80 only answers with a permanent redirect to HTTPS (listener default action); "
            "nothing is served over HTTP.",
        )
        if self.access_logs is None:
            checkov.skip(
                self.load_balancer,
                "CKV_AWS_91",
                "An environment-agnostic synth (no region) cannot name the region's ELB log "
                "delivery in a bucket policy; a deploy (region known) enables access logs.",
            )

    def _acknowledge_iam(
        self,
        *,
        code: ecs.FargateTaskDefinition,
        daemon: ecs.FargateTaskDefinition,
        web: ecs.FargateTaskDefinition,
    ) -> None:
        logs_objects = wildcard_resource(f"{arn_of(self.compute_logs)}/{COMPUTE_LOGS_PREFIX}/*")
        for role in (code.task_role, web.task_role, self.run_task_role):
            acknowledge(
                role,
                logs_objects,
                "Compute-log keys are named per run and step by Dagster's S3ComputeLogManager at "
                "run time; access is limited to the compute-logs/ prefix of this stack's bucket.",
            )
        for task in (code, daemon, web):
            acknowledge(
                task.obtain_execution_role(),
                wildcard_resource("*"),
                "ecr:GetAuthorizationToken has no resource-level permission (CDK's grant_pull); "
                "image pulls themselves are limited to this stack's repository.",
            )
        acknowledge(
            self.run_execution_role,
            wildcard_resource("*"),
            "ecr:GetAuthorizationToken has no resource-level permission (CDK's grant_pull); "
            "image pulls themselves are limited to this stack's repository.",
        )
        cluster = self.cluster.node.default_child
        assert isinstance(cluster, ecs.CfnCluster)
        cluster_tasks = (
            "arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task/"
            f"<{self.resolve(cluster.logical_id)}>/*"
        )
        for role in (daemon.task_role, web.task_role):
            acknowledge(
                role,
                wildcard_resource(cluster_tasks),
                "Run task ids are assigned by ECS at RunTask; DescribeTasks/StopTask (and the "
                "daemon's run tagging) are limited to tasks of this stack's cluster.",
            )
        acknowledge(
            daemon.task_role,
            wildcard_resource(
                "arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task-definition/"
                f"{RUN_TASK_FAMILY_PREFIX}*:*"
            ),
            "The launcher registers run task definitions named ticket-run<hash of settings> with "
            "new revisions; RunTask is limited to that family prefix and this cluster.",
        )
        acknowledge(
            daemon.task_role,
            wildcard_resource("*"),
            "ecs:RegisterTaskDefinition, ecs:DescribeTaskDefinition and "
            "ec2:DescribeNetworkInterfaces have no resource-level permissions (Service "
            "Authorization Reference); the roles a definition may carry are limited by PassRole.",
        )
        acknowledge(
            self.database,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AmazonRDSEnhancedMonitoringRole]",
            "AmazonRDSEnhancedMonitoringRole is the AWS-documented policy of the enhanced "
            "monitoring role RDS assumes; it only writes RDS metrics to CloudWatch Logs.",
        )
        acknowledge(
            self.user_pool,
            "AwsSolutions-COG8",
            "The Plus feature plan is paid per active user; the pool has no self sign-up, MFA "
            "(TOTP) is required and users are invited by an administrator.",
        )

    # --- pieces ---------------------------------------------------------------------------------

    def _import_realtime(self, config: AppConfig) -> RealtimeResources:
        assert config.batch_bucket_name and config.batch_alert_topic_arn
        assert config.batch_alert_key_arn and config.batch_warehouse_secret_arn
        return RealtimeResources(
            bucket=s3.Bucket.from_bucket_name(self, "TicketBucket", config.batch_bucket_name),
            alert_topic=sns.Topic.from_topic_arn(self, "AlertTopic", config.batch_alert_topic_arn),
            alert_key=kms.Key.from_key_arn(self, "AlertKey", config.batch_alert_key_arn),
            warehouse_secret=secretsmanager.Secret.from_secret_complete_arn(
                self, "WarehouseSecret", config.batch_warehouse_secret_arn
            ),
        )

    def _environment(
        self,
        config: AppConfig,
        shared: RealtimeResources,
        *,
        db_secret_arn: str,
    ) -> dict[str, str]:
        """Every name of deploy/dagster.yaml's ``env_vars`` (an empty value is the platform's
        default), the ones this stack knows filled in. No password: those are ECS secrets."""
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
            "DAGSTER_COMPUTE_LOGS_BUCKET": self.compute_logs.bucket_name,
            "DAGSTER_COMPUTE_LOGS_PREFIX": COMPUTE_LOGS_PREFIX,
            "TICKET_PLATFORM_ENV": "prod",
            "TICKET_LANDING_URI": f"s3://{bucket}",
            "TICKET_DBT_TARGET": "prod",
            "TICKET_REDSHIFT_DATABASE": config.redshift_database,
            "TICKET_REDSHIFT_USER": config.redshift_user,
            "TICKET_REDSHIFT_STAGING_URI": f"s3://{bucket}/{config.staging_prefix}",
            "TICKET_ALERT_SNS_TOPIC_ARN": shared.alert_topic.topic_arn,
            "TICKET_DOCS_URI": f"s3://{bucket}/dbt-docs",
            "TICKET_DAGSTER_UI_URL": f"https://{config.batch_domain_name}",
        }
        names = instance_env_vars()
        unknown = sorted(set(known) - set(names))
        if unknown:
            raise ValueError(f"deploy/dagster.yaml's env_vars no longer name {unknown}")
        extra = sorted(set(config.batch_environment) - set(names))
        if extra:
            raise ValueError(
                f"batchEnvironment names {extra}, not in deploy/dagster.yaml's env_vars (a run "
                "would not receive them)"
            )
        known.update(config.batch_environment)
        return {name: known.get(name, "") for name in names}

    def _task(
        self,
        name: str,
        *,
        image_uri: str,
        command: list[str],
        environment: dict[str, str],
        secrets: dict[str, ecs.Secret],
        cpu: int,
        memory: int,
        port: int | None = None,
        entry_point: list[str] | None = None,
    ) -> ecs.FargateTaskDefinition:
        task = ecs.FargateTaskDefinition(
            self,
            f"{name}Task",
            cpu=cpu,
            memory_limit_mib=memory,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=ecs.CpuArchitecture.X86_64,
                operating_system_family=ecs.OperatingSystemFamily.LINUX,
            ),
        )
        self.repository.grant_pull(task.obtain_execution_role())
        logs_group = log_group(
            self,
            f"{name}Logs",
            days=self._config.log_retention_days,
            removal_policy=self._removal,
        )
        task.add_container(
            name.lower(),
            image=ecs.ContainerImage.from_registry(image_uri),
            entry_point=entry_point,
            command=command,
            environment=environment,
            secrets=secrets,
            logging=ecs.LogDriver.aws_logs(stream_prefix=name.lower(), log_group=logs_group),
            port_mappings=[ecs.PortMapping(container_port=port)] if port else None,
            readonly_root_filesystem=False,
        )
        return task

    def _grant_launcher(self, role: iam.IRole) -> None:
        """What the EcsRunLauncher calls from the daemon (docs/deployment.md, Permissions)."""
        region, account = Aws.REGION, Aws.ACCOUNT_ID
        partition = Aws.PARTITION
        task_defs = (
            f"arn:{partition}:ecs:{region}:{account}:task-definition/{RUN_TASK_FAMILY_PREFIX}*:*"
        )
        tasks = f"arn:{partition}:ecs:{region}:{account}:task/{self.cluster.cluster_name}/*"
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
                conditions={"ArnEquals": {"ecs:cluster": self.cluster.cluster_arn}},
            ),
            iam.PolicyStatement(
                sid="TagRunTasks",
                actions=["ecs:TagResource"],
                resources=[tasks],
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
                resources=[self.run_task_role.role_arn, self.run_execution_role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
            ),
            iam.PolicyStatement(
                sid="RunLogs",
                actions=["logs:GetLogEvents"],
                resources=[f"{self.run_logs.log_group_arn}"],
            ),
        ]
        for statement in statements:
            role.add_to_principal_policy(statement)
        self._grant_terminate(role)

    def _grant_terminate(self, role: iam.IRole) -> None:
        tasks = (
            f"arn:{Aws.PARTITION}:ecs:{Aws.REGION}:{Aws.ACCOUNT_ID}:task/"
            f"{self.cluster.cluster_name}/*"
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="WatchAndStopRuns",
                actions=["ecs:DescribeTasks", "ecs:StopTask"],
                resources=[tasks],
                conditions={"ArnEquals": {"ecs:cluster": self.cluster.cluster_arn}},
            )
        )

    def _load_balancer(self, config: AppConfig, *, web_service: ecs.FargateService) -> None:
        domain = config.batch_domain_name
        assert domain and config.batch_certificate_arn
        self.user_pool = cognito.UserPool(
            self,
            "Users",
            self_sign_up_enabled=False,  # an administrator invites each analyst
            sign_in_aliases=cognito.SignInAliases(email=True),
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(sms=False, otp=True),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_digits=True,
                require_lowercase=True,
                require_uppercase=True,
                require_symbols=True,
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            removal_policy=self._removal,
        )
        user_pool_domain = self.user_pool.add_domain(
            "Domain",
            cognito_domain=cognito.CognitoDomainOptions(
                domain_prefix=f"ticket-dagster-{config.env_name}-{Aws.ACCOUNT_ID}"
            ),
        )
        client = self.user_pool.add_client(
            "LoadBalancer",
            generate_secret=True,
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
                callback_urls=[f"https://{domain}/oauth2/idpresponse"],
                logout_urls=[f"https://{domain}/"],
            ),
            supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
        )
        self.lb_sg = ec2.SecurityGroup(
            self,
            "LoadBalancerSecurityGroup",
            vpc=self.vpc,
            description="Dagster UI load balancer",
            allow_all_outbound=False,
        )
        self.lb_sg.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS")
        self.lb_sg.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(80), "redirect to HTTPS")
        self.load_balancer = elbv2.ApplicationLoadBalancer(
            self,
            "LoadBalancer",
            vpc=self.vpc,
            internet_facing=True,
            security_group=self.lb_sg,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            drop_invalid_header_fields=True,
            deletion_protection=config.retain_data,
        )
        # Access logs (who reached the login, from where): SSE-S3, as ELB requires. The bucket
        # policy names the region's ELB log delivery, so only a synth with a known region (the CLI
        # sets it from the credentials) can enable them; an environment-agnostic one cannot.
        self.access_logs: s3.Bucket | None = None
        if config.region:
            self._access_logs(config)
        self.tasks_sg.add_ingress_rule(
            self.lb_sg, ec2.Port.tcp(WEBSERVER_PORT), "load balancer to the webserver"
        )
        self.lb_sg.add_egress_rule(
            self.tasks_sg, ec2.Port.tcp(WEBSERVER_PORT), "load balancer to the webserver"
        )
        target_group = elbv2.ApplicationTargetGroup(
            self,
            "WebserverTargets",
            vpc=self.vpc,
            port=WEBSERVER_PORT,
            protocol=elbv2.ApplicationProtocol.HTTP,
            targets=[web_service],
            health_check=elbv2.HealthCheck(path="/server_info", healthy_http_codes="200"),
            deregistration_delay=Duration.seconds(30),
        )
        https = self.load_balancer.add_listener(
            "Https",
            port=443,
            protocol=elbv2.ApplicationProtocol.HTTPS,
            certificates=[
                acm.Certificate.from_certificate_arn(
                    self, "Certificate", config.batch_certificate_arn
                )
            ],
            ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
            # Every request is authenticated before it reaches the webserver: no anonymous path.
            default_action=elb_actions.AuthenticateCognitoAction(
                user_pool=self.user_pool,
                user_pool_client=client,
                user_pool_domain=user_pool_domain,
                next=elbv2.ListenerAction.forward([target_group]),
                session_timeout=Duration.hours(12),
            ),
            open=False,
        )
        self.https_listener = https
        self.load_balancer.add_listener(
            "Http",
            port=80,
            open=False,
            default_action=elbv2.ListenerAction.redirect(
                protocol="HTTPS", port="443", permanent=True
            ),
        )
        # The load balancer calls Cognito's token endpoint on the way (outbound HTTPS).
        self.lb_sg.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "Cognito token endpoint")

    def _acknowledge(
        self, db_secret: secretsmanager.ISecret, tasks: list[ecs.FargateTaskDefinition]
    ) -> None:
        acknowledge(
            self.database,
            "AwsSolutions-RDS3",
            "The instance database holds Dagster's run and event history, rebuilt by re-running; "
            "daily backups (7 days) cover an AZ loss and a second AZ would double its cost.",
        )
        acknowledge(
            self.database,
            "AwsSolutions-RDS11",
            "Port 5432 is reachable only from the Dagster tasks' security group in private "
            "subnets; a non-default port would add nothing to that isolation.",
        )
        acknowledge(
            self.database,
            "AwsSolutions-SMG4",
            "dagster-postgres reads the password once at process start (ECS secret); a rotation "
            "would break the running webserver/daemon until restart. Rotate with a redeploy.",
        )
        acknowledge(
            self.database,
            "AwsSolutions-RDS6",
            "dagster-postgres connects with a password from the instance file's env vars and has "
            "no IAM-token refresh; access is limited to the tasks' security group.",
        )
        for task in tasks:
            acknowledge(
                task,
                "AwsSolutions-ECS2",
                "Environment values are non-secret settings read from deploy/dagster.yaml's "
                "env_vars list (the launcher copies them into runs); passwords are ECS secrets.",
            )
        if self.access_logs is None:
            acknowledge(
                self.load_balancer,
                "AwsSolutions-ELB2",
                "An environment-agnostic synth (no region): the access-log bucket's policy must "
                "name the region's ELB log delivery. A deploy (region known) enables the logs.",
            )
        acknowledge(
            self.lb_sg,
            "AwsSolutions-EC23",
            "The Dagster UI is for analysts on any network; the HTTPS listener authenticates "
            "every request with Cognito (MFA), and port 80 only redirects to HTTPS.",
        )
        acknowledge(
            self.user_pool,
            "AwsSolutions-COG3",
            "Threat protection (advanced security) is a paid Cognito plan; the pool has no "
            "self sign-up, MFA is required and users are invited by an administrator.",
        )
        acknowledge(
            self.compute_logs,
            "AwsSolutions-S1",
            "The bucket holds Dagster op output written and read only by this stack's task "
            "roles; CloudTrail records who reads it. A second log bucket would log the logs.",
        )

    def _outputs(self, db_secret: secretsmanager.ISecret) -> None:
        for name, value, description in (
            ("RepositoryUri", self.repository.repository_uri, "docker push target"),
            ("LoadBalancerDns", self.load_balancer.load_balancer_dns_name, "CNAME the domain here"),
            ("UserPoolId", self.user_pool.user_pool_id, "invite analysts here"),
            ("ClusterName", self.cluster.cluster_name, "ECS cluster of the services and runs"),
            ("DatabaseSecretArn", db_secret.secret_arn, "Dagster instance credentials"),
            ("RunTaskRoleArn", self.run_task_role.role_arn, "role of each run's task"),
        ):
            CfnOutput(self, name, value=value, description=description)
