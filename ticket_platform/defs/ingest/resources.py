"""Dagster resources for the landing zone and the warehouse the ingest writes to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import boto3
import dagster as dg
from botocore.config import Config
from dagster_aws.redshift import RedshiftClientResource
from dagster_aws.s3 import S3Resource
from dagster_aws.utils import construct_boto_client_retry_config
from pydantic import Field

from ticket_platform.lib.landing import Landing, LocalLanding, S3Landing, parse_landing_uri
from ticket_platform.lib.warehouse import (
    RedshiftSession,
    WarehouseSession,
    duckdb_session,
    postgres_session,
)


class LandingResource(dg.ConfigurableResource):
    """Where ticket files land: a folder path or ``s3://bucket/prefix`` (``TICKET_LANDING_URI``)."""

    uri: str = Field(description="A local folder or s3://bucket/prefix")
    region_name: str | None = Field(default=None, description="AWS region of the bucket")
    endpoint_url: str | None = Field(default=None, description="S3-compatible endpoint override")
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


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse the staging tables live in; subclasses pick the engine."""

    @property
    def engine(self) -> str:
        raise NotImplementedError

    @contextmanager
    def session(self, lock_wait_seconds: float = 120) -> Iterator[WarehouseSession]:
        """A session; on DuckDB, waits up to ``lock_wait_seconds`` for another writer to finish."""
        raise NotImplementedError
        yield


class DuckDBWarehouse(WarehouseResource):
    """The embedded default: one DuckDB file (``TICKET_WAREHOUSE_PATH``)."""

    database: str = Field(description="Path of the DuckDB file")

    @property
    def engine(self) -> str:
        return "duckdb"

    @contextmanager
    def session(self, lock_wait_seconds: float = 120) -> Iterator[WarehouseSession]:
        with duckdb_session(self.database, lock_wait_seconds=lock_wait_seconds) as session:
            yield session


class PostgresWarehouse(WarehouseResource):
    """A PostgreSQL database (CI's stand-in for Redshift, or a small team's warehouse)."""

    dsn: str = Field(description="libpq connection string, e.g. postgresql://user@host/db")

    @property
    def engine(self) -> str:
        return "postgres"

    @contextmanager
    def session(self, lock_wait_seconds: float = 120) -> Iterator[WarehouseSession]:
        import psycopg2

        with postgres_session(lambda: psycopg2.connect(self.dsn)) as session:
            yield session


class RedshiftWarehouse(WarehouseResource):
    """Amazon Redshift: batches staged in S3 and loaded by a manifest COPY in one transaction."""

    redshift: RedshiftClientResource
    staging_uri: str = Field(description="s3://bucket/prefix where COPY batches are staged")
    iam_role_arn: str = Field(description="IAM role Redshift assumes to read the staged batches")
    region_name: str | None = None
    endpoint_url: str | None = None

    @property
    def engine(self) -> str:
        return "redshift"

    @contextmanager
    def session(self, lock_wait_seconds: float = 120) -> Iterator[WarehouseSession]:
        import psycopg2

        kind, bucket, prefix = parse_landing_uri(self.staging_uri)
        if kind != "s3":
            raise ValueError(
                f"Redshift staging_uri must be s3://bucket/prefix, not {self.staging_uri!r}"
            )
        s3 = S3Resource(region_name=self.region_name, endpoint_url=self.endpoint_url).get_client()
        conn = psycopg2.connect(**self.redshift.get_client().conn_args)
        try:
            yield RedshiftSession(
                conn,
                s3_client=s3,
                staging_bucket=bucket,
                staging_prefix=prefix,
                iam_role_arn=self.iam_role_arn,
                region=self.region_name,
            )
        finally:
            conn.close()
