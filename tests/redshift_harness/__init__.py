"""A Redshift-compatibility harness for tests: the real Redshift client stack on PostgreSQL.

``redshift_harness(admin_dsn)`` creates a throwaway database on the PostgreSQL server of
``admin_dsn``, installs the shims of ``shims.sql`` (schema ``redshift_shim``, last on that
database's search_path), starts :class:`~redshift_harness.proxy.RedshiftProxy` on a free port
of 127.0.0.1 in front of the server, and yields a :class:`Harness`: connection settings for
``redshift_connector`` and the environment of the dbt ``prod`` target
(``TICKET_REDSHIFT_*``). On exit the proxy stops and the database is dropped.

``reachable_admin_dsn()`` returns TICKET_TEST_POSTGRES_DSN, or skips the calling test with the
reason when it is unset or its server cannot be reached; tests build their fixtures from it::

    @pytest.fixture
    def harness():
        with redshift_harness(reachable_admin_dsn()) as running:
            yield running

What the harness proves and what it cannot: docs/redshift-harness.md.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from redshift_harness.proxy import RedshiftProxy
from redshift_harness.refusals import Refusal, find_refusal

__all__ = ["Harness", "Refusal", "find_refusal", "reachable_admin_dsn", "redshift_harness"]

SHIMS = Path(__file__).with_name("shims.sql")
POSTGRES_DSN_VAR = "TICKET_TEST_POSTGRES_DSN"


@dataclass
class Harness:
    """A running harness: the proxy, and the database it serves."""

    proxy: RedshiftProxy
    database: str
    user: str
    password: str
    direct_dsn: str  # the same database on PostgreSQL directly (no proxy), for set-up

    @property
    def port(self) -> int:
        return self.proxy.port

    def connect(self) -> Any:
        """A ``redshift_connector`` connection through the proxy."""
        import redshift_connector

        return redshift_connector.connect(
            host=self.proxy.host,
            port=self.proxy.port,
            database=self.database,
            user=self.user,
            password=self.password,
            ssl=False,
        )

    def dbt_env(self) -> dict[str, str]:
        """The TICKET_REDSHIFT_* variables that aim dbt's ``prod`` target at the proxy."""
        return {
            "TICKET_REDSHIFT_HOST": self.proxy.host,
            "TICKET_REDSHIFT_PORT": str(self.proxy.port),
            "TICKET_REDSHIFT_USER": self.user,
            "TICKET_REDSHIFT_PASSWORD": self.password or "unused",
            "TICKET_REDSHIFT_DATABASE": self.database,
            "TICKET_REDSHIFT_SSLMODE": "disable",
        }


def install_shims(cursor: Any, database: str) -> None:
    """Create the shims in ``redshift_shim`` and put that schema on the database's path."""
    cursor.execute(SHIMS.read_text(encoding="utf-8"))
    cursor.execute(f'alter database "{database}" set search_path = "$user", public, redshift_shim')


@contextmanager
def redshift_harness(admin_dsn: str) -> Iterator[Harness]:
    """A throwaway database with the shims, behind a started proxy (see the module docstring)."""
    import psycopg2
    from psycopg2.extensions import make_dsn, parse_dsn

    parts = parse_dsn(admin_dsn)
    database = f"rs_harness_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(admin_dsn)
    admin.autocommit = True
    proxy = None
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"create database {database}")
        direct_dsn = make_dsn(**{**parts, "dbname": database})
        with psycopg2.connect(direct_dsn) as conn, conn.cursor() as cursor:
            install_shims(cursor, database)
        conn.close()
        proxy = RedshiftProxy(parts.get("host", "127.0.0.1"), int(parts.get("port", 5432)))
        proxy.start()
        yield Harness(
            proxy, database, parts.get("user", "postgres"), parts.get("password", ""), direct_dsn
        )
    finally:
        try:
            if proxy is not None:
                proxy.stop()
        finally:
            with admin.cursor() as cursor:
                cursor.execute(f"drop database if exists {database} with (force)")
            admin.close()


def reachable_admin_dsn() -> str:
    """TICKET_TEST_POSTGRES_DSN when its server answers; otherwise the test is skipped."""
    dsn = os.environ.get(POSTGRES_DSN_VAR)
    if not dsn:
        pytest.skip(
            f"{POSTGRES_DSN_VAR} is not set (e.g. postgresql://postgres@127.0.0.1:5432/test): "
            "the Redshift harness needs a PostgreSQL server"
        )
    import psycopg2

    try:
        psycopg2.connect(dsn, connect_timeout=5).close()
    except psycopg2.OperationalError as error:
        pytest.skip(f"PostgreSQL at {POSTGRES_DSN_VAR} is not reachable: {error}".strip())
    return dsn
