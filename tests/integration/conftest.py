"""Fixtures of the integration tests that run dbt."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.dbt_warehouse import DbtWarehouse, dbt_env

from ticket_platform.warehouse.duckdb_engine import duckdb_session
from ticket_platform.warehouse.postgres_engine import postgres_session


@pytest.fixture(params=["duckdb", "postgres"])
def dbt_warehouse(request, tmp_path: Path) -> Iterator[DbtWarehouse]:
    """A fresh warehouse per engine (PostgreSQL: a throwaway database) with dbt aimed at it."""
    if request.param == "duckdb":
        path = tmp_path / "warehouse.duckdb"
        env = dbt_env() | {"TICKET_WAREHOUSE_PATH": str(path)}
        yield DbtWarehouse(lambda: duckdb_session(path), "local", env, tmp_path)
        return
    import psycopg2
    from psycopg2.extensions import parse_dsn

    dsn = request.getfixturevalue("postgres_database")
    parts = parse_dsn(dsn)
    env = dbt_env() | {
        "TICKET_PG_HOST": parts.get("host", "127.0.0.1"),
        "TICKET_PG_PORT": str(parts.get("port", 5432)),
        "TICKET_PG_USER": parts.get("user", "postgres"),
        "TICKET_PG_PASSWORD": parts.get("password", ""),
        "TICKET_PG_DBNAME": parts["dbname"],
    }
    yield DbtWarehouse(
        lambda: postgres_session(lambda: psycopg2.connect(dsn)), "postgres", env, tmp_path
    )
