"""The warehouse as a Dagster resource: DuckDB (the embedded default) or Redshift (production).

Every capability that reads or writes tables takes a ``WarehouseResource`` and opens a
``session()``; the session classes (``session.py``) hold the engine-specific SQL plumbing.
The resources' fields are the only definition of the warehouse settings;
``ticket_platform/resources.py`` picks the engine and fills them from the environment. The
Redshift password is passed as ``dg.EnvVar``: Dagster resolves it when a run starts and the UI
shows the variable's name. Outside a run, open the resource with ``resources.resolved()``
(Dagster's ``process_config_and_initialize_cm``) so the password is the variable's value, not
its name.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse

import dagster as dg
from dagster_aws.redshift import RedshiftClientResource
from dagster_aws.s3 import S3Resource
from pydantic import Field

from ticket_platform.warehouse.duckdb_engine import duckdb_session
from ticket_platform.warehouse.postgres_engine import RedshiftSession
from ticket_platform.warehouse.session import WarehouseSession

REDSHIFT_PASSWORD_VARIABLE = "TICKET_REDSHIFT_PASSWORD"


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

    database: str = Field(description="TICKET_WAREHOUSE_PATH: path of the DuckDB file")

    @property
    def engine(self) -> str:
        return "duckdb"

    @contextmanager
    def session(self, lock_wait_seconds: float = 120) -> Iterator[WarehouseSession]:
        with duckdb_session(self.database, lock_wait_seconds=lock_wait_seconds) as session:
            yield session


class RedshiftWarehouse(WarehouseResource):
    """Amazon Redshift: batches staged in S3 and loaded by a manifest COPY in one transaction."""

    redshift: RedshiftClientResource = Field(
        description="The connection: TICKET_REDSHIFT_HOST, _PORT, _DATABASE, _USER and "
        f"{REDSHIFT_PASSWORD_VARIABLE} (a secret, read from the environment at run time)"
    )
    staging_uri: str = Field(
        description="TICKET_REDSHIFT_STAGING_URI: s3://bucket/prefix where COPY batches are staged"
    )
    iam_role_arn: str = Field(
        description="TICKET_REDSHIFT_IAM_ROLE_ARN: role Redshift assumes to read the batches"
    )
    region_name: str | None = Field(default=None, description="AWS_REGION of the staging bucket")
    endpoint_url: str | None = None

    @property
    def engine(self) -> str:
        return "redshift"

    @contextmanager
    def session(self, lock_wait_seconds: float = 120) -> Iterator[WarehouseSession]:
        import psycopg2

        staging = urlparse(self.staging_uri)
        if staging.scheme != "s3" or not staging.netloc:
            raise ValueError(
                f"Redshift staging_uri must be s3://bucket/prefix, not {self.staging_uri!r}"
            )
        bucket, prefix = staging.netloc, staging.path.strip("/")
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
