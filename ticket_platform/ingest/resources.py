"""The landing zone as a Dagster resource: a local folder or ``s3://bucket/prefix``."""

from __future__ import annotations

import boto3
import dagster as dg
from botocore.config import Config
from dagster_aws.s3 import S3Resource
from dagster_aws.utils import construct_boto_client_retry_config
from pydantic import Field

from ticket_platform.ingest.landing import Landing, LocalLanding
from ticket_platform.ingest.landing_uri import parse_landing_uri
from ticket_platform.ingest.s3_landing import S3Landing


class LandingResource(dg.ConfigurableResource):
    """Where ticket files land: a folder path or ``s3://bucket/prefix`` (``TICKET_LANDING_URI``)."""

    uri: str = Field(description="TICKET_LANDING_URI: a local folder or s3://bucket/prefix")
    region_name: str | None = Field(default=None, description="AWS_REGION of the bucket")
    endpoint_url: str | None = Field(
        default=None, description="TICKET_S3_ENDPOINT_URL: S3-compatible endpoint override"
    )
    max_connections: int = Field(
        default=32,
        ge=1,
        description="HTTP connections the S3 client keeps open: at least the read workers "
        "(TICKET_READ_WORKERS), or the extra threads reconnect for every file",
    )

    def get_landing(self) -> Landing:
        kind, location, prefix = parse_landing_uri(self.uri)
        if kind == "local":
            return LocalLanding(location)
        return S3Landing(self._s3_client(), location, prefix)

    def _s3_client(self):
        # S3Resource's client keeps botocore's default pool of 10 connections and has no setting
        # for it. Threads past the pool open and drop a connection per request (a TLS handshake
        # each on S3), so the pool matches the read workers. Same retry policy as S3Resource.
        retries = construct_boto_client_retry_config(S3Resource().max_attempts)
        config = retries.merge(Config(max_pool_connections=max(10, self.max_connections)))
        return boto3.session.Session().client(
            "s3", region_name=self.region_name, endpoint_url=self.endpoint_url, config=config
        )
