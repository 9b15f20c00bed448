"""The one way in to the batch side: an internet-facing HTTPS load balancer whose listener
authenticates every request with a Cognito user pool (invited users, MFA) before forwarding it.

The Dagster UI is the listener's default route; :meth:`Login.route` adds more paths (the dbt docs
at ``/docs``) behind the same login. ALB keeps the session in its ``AWSELBAuthSessionCookie`` for
the whole domain, so a user who signed in to the UI opens the docs without signing in again.
"""

from __future__ import annotations

from aws_cdk import Aws, Duration, RemovalPolicy, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_elasticloadbalancingv2_actions as elb_actions
from aws_cdk import aws_s3 as s3

from infra_cdk import checkov
from infra_cdk.config import AppConfig
from infra_cdk.nag import acknowledge

SESSION_TIMEOUT = Duration.hours(12)


class Login:
    """User pool, load balancer and HTTPS listener; ``default`` receives every other path."""

    def __init__(
        self,
        stack: Stack,
        *,
        vpc: ec2.IVpc,
        config: AppConfig,
        removal: RemovalPolicy,
        default: elbv2.IApplicationTargetGroup,
    ) -> None:
        domain = config.batch_domain_name
        assert domain and config.batch_certificate_arn  # config.py checks
        self._stack = stack
        self.user_pool = cognito.UserPool(
            stack,
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
            removal_policy=removal,
        )
        self.user_pool_domain = self.user_pool.add_domain(
            "Domain",
            cognito_domain=cognito.CognitoDomainOptions(
                domain_prefix=f"ticket-dagster-{config.env_name}-{Aws.ACCOUNT_ID}"
            ),
        )
        self.client = self.user_pool.add_client(
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
        self.security_group = ec2.SecurityGroup(
            stack,
            "LoadBalancerSecurityGroup",
            vpc=vpc,
            description="Dagster UI load balancer",
            allow_all_outbound=False,
        )
        self.security_group.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS")
        self.security_group.add_ingress_rule(
            ec2.Peer.any_ipv4(), ec2.Port.tcp(80), "redirect to HTTPS"
        )
        # The load balancer calls Cognito's token endpoint on the way (outbound HTTPS).
        self.security_group.add_egress_rule(
            ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "Cognito token endpoint"
        )
        self.load_balancer = elbv2.ApplicationLoadBalancer(
            stack,
            "LoadBalancer",
            vpc=vpc,
            internet_facing=True,
            security_group=self.security_group,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            drop_invalid_header_fields=True,
            deletion_protection=config.retain_data,
        )
        # Access logs (who reached the login, from where): SSE-S3, as ELB requires. The bucket
        # policy names the region's ELB log delivery, so only a synth with a known region (the CLI
        # sets it from the credentials) can enable them; an environment-agnostic one cannot.
        self.access_logs = (
            _access_logs(stack, self.load_balancer, config) if config.region else None
        )
        self.https_listener = self.load_balancer.add_listener(
            "Https",
            port=443,
            protocol=elbv2.ApplicationProtocol.HTTPS,
            certificates=[
                acm.Certificate.from_certificate_arn(
                    stack, "Certificate", config.batch_certificate_arn
                )
            ],
            ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
            # Every request is authenticated before it reaches a target: no anonymous path.
            default_action=self._authenticated(default),
            open=False,
        )
        self.load_balancer.add_listener(
            "Http",
            port=80,
            open=False,
            default_action=elbv2.ListenerAction.redirect(
                protocol="HTTPS", port="443", permanent=True
            ),
        )
        self._explain()

    def route(
        self,
        construct_id: str,
        *,
        paths: list[str],
        target: elbv2.IApplicationTargetGroup,
        priority: int,
    ) -> elbv2.ApplicationListenerRule:
        """Forward ``paths`` to ``target`` after the same authentication as the default route."""
        return elbv2.ApplicationListenerRule(
            self._stack,
            construct_id,
            listener=self.https_listener,
            priority=priority,
            conditions=[elbv2.ListenerCondition.path_patterns(paths)],
            action=self._authenticated(target),
        )

    def _authenticated(self, target: elbv2.IApplicationTargetGroup) -> elbv2.ListenerAction:
        return elb_actions.AuthenticateCognitoAction(
            user_pool=self.user_pool,
            user_pool_client=self.client,
            user_pool_domain=self.user_pool_domain,
            next=elbv2.ListenerAction.forward([target]),
            session_timeout=SESSION_TIMEOUT,
        )

    def _explain(self) -> None:
        acknowledge(
            self.security_group,
            "AwsSolutions-EC23",
            "The Dagster UI is for analysts on any network; the HTTPS listener authenticates "
            "every request with Cognito (MFA), and port 80 only redirects to HTTPS.",
        )
        checkov.skip(
            self.security_group,
            "CKV_AWS_260",
            "Port 80 only answers with a permanent redirect to HTTPS (listener default action); "
            "nothing is served over HTTP.",
        )
        acknowledge(
            self.user_pool,
            "AwsSolutions-COG3",
            "Threat protection (advanced security) is a paid Cognito plan; the pool has no "
            "self sign-up, MFA is required and users are invited by an administrator.",
        )
        acknowledge(
            self.user_pool,
            "AwsSolutions-COG8",
            "The Plus feature plan is paid per active user; the pool has no self sign-up, MFA "
            "(TOTP) is required and users are invited by an administrator.",
        )
        if self.access_logs is None:
            acknowledge(
                self.load_balancer,
                "AwsSolutions-ELB2",
                "An environment-agnostic synth (no region): the access-log bucket's policy must "
                "name the region's ELB log delivery. A deploy (region known) enables the logs.",
            )
            checkov.skip(
                self.load_balancer,
                "CKV_AWS_91",
                "An environment-agnostic synth (no region) cannot name the region's ELB log "
                "delivery in a bucket policy; a deploy (region known) enables access logs.",
            )


def _access_logs(
    stack: Stack, load_balancer: elbv2.ApplicationLoadBalancer, config: AppConfig
) -> s3.Bucket:
    bucket = s3.Bucket(
        stack,
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
    load_balancer.log_access_logs(bucket, prefix="alb")
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
    return bucket
