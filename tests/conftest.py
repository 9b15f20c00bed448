"""Shared fixtures: the seed tickets, landing folders, and warehouse sessions on each engine."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ticket_platform.cli.console import keep_sigterm_working
from ticket_platform.contracts import ProcessedTicket
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.warehouse.duckdb_engine import duckdb_session
from ticket_platform.warehouse.postgres_engine import postgres_session
from ticket_platform.warehouse.session import WarehouseSession


def pytest_configure(config: pytest.Config) -> None:
    """Run every test with the default SIGINT and SIGTERM, whatever the launcher left: launched
    as a background job, the test process (and every child: Dagster's compute-log ``tail``, a
    benchmark's S3 server) would otherwise ignore SIGTERM after the first in-process Dagster run,
    and the tests waiting for them to stop would hang (``keep_sigterm_working``)."""
    keep_sigterm_working()


FIXTURES = Path(__file__).parent / "fixtures"
SEED_TICKETS = FIXTURES / "seed_processed_tickets.jsonl"


@pytest.fixture(scope="session")
def seed_lines() -> list[bytes]:
    """The seed system's 100 real processed tickets, one JSON document per line."""
    return SEED_TICKETS.read_bytes().splitlines()


@pytest.fixture
def seed_landing(tmp_path: Path, seed_lines: list[bytes]) -> LocalLanding:
    """A landing folder holding the 100 seed tickets in the S3 layout, one file each."""
    landing = LocalLanding(tmp_path / "landing")
    for line in seed_lines:
        landing.write(ProcessedTicket.model_validate_json(line).lake_key(), line)
    return landing


def postgres_dsn() -> str | None:
    return os.environ.get("TICKET_TEST_POSTGRES_DSN")


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A throwaway database on the test PostgreSQL server; its DSN is yielded."""
    dsn = postgres_dsn()
    if not dsn:
        pytest.skip(
            "TICKET_TEST_POSTGRES_DSN is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)"
        )
    import psycopg2
    from psycopg2.extensions import make_dsn, parse_dsn

    name = f"tp_test_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(dsn)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"create database {name}")
    try:
        yield make_dsn(**{**parse_dsn(dsn), "dbname": name})
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"drop database if exists {name} with (force)")
        admin.close()


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse_connect(request, tmp_path: Path):
    """A factory of sessions on a fresh warehouse, once per engine."""
    if request.param == "duckdb":
        path = tmp_path / "warehouse.duckdb"
        return lambda: duckdb_session(path)
    import psycopg2

    dsn = request.getfixturevalue("postgres_database")
    return lambda: postgres_session(lambda: psycopg2.connect(dsn))


@pytest.fixture
def session(warehouse_connect) -> Iterator[WarehouseSession]:
    with warehouse_connect() as session:
        yield session
