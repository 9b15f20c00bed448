"""Integration tests of the dbt project in ``dbt_project/``.

Each test loads the 100 sample tickets of ``tests/fixtures/seed_processed_tickets.jsonl`` into a
throwaway ``raw.tickets`` table, runs ``dbt build`` (models, data tests and unit tests) in a
subprocess with the venv's dbt, and checks the marts against an independent Python computation
of the SLA rules:

* HIGH: due 4 calendar hours after submission.
* MEDIUM / NORMAL: due 2 / 3 business days (Monday..Friday) after submission, same time of day;
  a weekend submission counts from the next Monday 00:00.
* Breached when processed after the due time, or, if not processed yet, when now is past it.

The sample tickets were all submitted on one Friday and processed within seconds, so a few of
them are altered (weekend submission, late processing, not processed yet) to exercise the rules.

The same builds also fill a throwaway ``evaluation.response_evaluations`` (the columns of
``ticket_platform.evaluation.store_sql``) with the real Nova Pro verdicts of the 100 sample tickets
(``ticket_platform/evaluation/reference/seed_nova_pro.jsonl``) plus a rules judge with two
evaluated, one failed and one deferred row, and check the evaluation marts against Python: pass
rates per day / judge / dimension, the HIGH-priority failure share, and that failed and deferred
rows are never counted as passes or failures.

The DuckDB test always runs. The PostgreSQL test runs when TICKET_TEST_POSTGRES_DSN is set
(e.g. ``postgresql://postgres@127.0.0.1:5432/test``); it writes to schemas with a unique suffix
(TICKET_SCHEMA_SUFFIX) and drops them afterwards, so parallel runs do not collide.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import duckdb
import pytest
from helpers.dbt_fixtures import (
    POSTGRES_DSN_VAR,
    create_routing_sources_duckdb,
    create_routing_sources_postgres,
    evaluation_records,
    load_evaluations_duckdb,
    load_evaluations_postgres,
    load_raw_tickets_duckdb,
    load_raw_tickets_postgres,
    raw_rows,
    read_fixture_tickets,
    run_dbt,
    with_sla_scenarios,
)
from helpers.dbt_warehouse import dbt_env
from helpers.expected_marts import (
    check_evaluation_marts,
    check_marts,
    expected_due_at,
    fetch_evaluation_marts,
    fetch_marts,
)


@pytest.fixture
def scenario_tickets() -> list[dict[str, Any]]:
    return with_sla_scenarios(read_fixture_tickets())


@pytest.fixture
def evaluations(scenario_tickets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return evaluation_records(scenario_tickets)


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------
@pytest.mark.dbt
def test_dbt_build_on_duckdb(
    tmp_path: Path, scenario_tickets: list[dict[str, Any]], evaluations: list[dict[str, Any]]
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    load_raw_tickets_duckdb(warehouse, raw_rows(scenario_tickets))
    load_evaluations_duckdb(warehouse, evaluations)
    create_routing_sources_duckdb(warehouse)

    env = dbt_env() | {"TICKET_WAREHOUSE_PATH": str(warehouse)}
    run_dbt(["build", "--target", "local"], env, tmp_path)

    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = fetch_marts(con.cursor(), "marts")
        evaluation_marts = fetch_evaluation_marts(con.cursor(), "marts")
        # persist_docs wrote the yml descriptions into the catalog.
        comment = con.execute(
            "select comment from duckdb_tables() where schema_name = 'marts' and table_name = 'fct_tickets'"
        ).fetchone()
    check_marts(marts, scenario_tickets)
    check_evaluation_marts(evaluation_marts, evaluations, scenario_tickets)
    assert comment is not None and "One row per support ticket" in comment[0]


def _postgres_conn_kwargs(dsn: str) -> dict[str, Any]:
    url = urlparse(dsn)
    return {
        "host": url.hostname or "127.0.0.1",
        "port": url.port or 5432,
        "user": unquote(url.username or "postgres"),
        "password": unquote(url.password or ""),
        "dbname": (url.path or "/test").lstrip("/") or "test",
    }


@pytest.fixture
def postgres_conn_kwargs() -> Iterator[dict[str, Any]]:
    dsn = os.environ.get(POSTGRES_DSN_VAR)
    if not dsn:
        pytest.skip(
            f"{POSTGRES_DSN_VAR} is not set; set it to e.g. "
            "postgresql://postgres@127.0.0.1:5432/test to run dbt against PostgreSQL"
        )
    yield _postgres_conn_kwargs(dsn)


@pytest.mark.dbt
@pytest.mark.postgres
def test_dbt_build_on_postgres(
    tmp_path: Path,
    scenario_tickets: list[dict[str, Any]],
    evaluations: list[dict[str, Any]],
    postgres_conn_kwargs: dict[str, Any],
) -> None:
    import psycopg2

    suffix = f"_pytest_{uuid.uuid4().hex[:10]}"
    names = ("raw", "evaluation", "routing", "staging", "intermediate", "marts", "reference", "dbt")
    schemas = [f"{name}{suffix}" for name in names]
    kwargs = postgres_conn_kwargs
    env = dbt_env() | {
        "TICKET_PG_HOST": str(kwargs["host"]),
        "TICKET_PG_PORT": str(kwargs["port"]),
        "TICKET_PG_USER": kwargs["user"],
        "TICKET_PG_PASSWORD": kwargs["password"],
        "TICKET_PG_DBNAME": kwargs["dbname"],
        "TICKET_PG_SCHEMA": f"dbt{suffix}",
        "TICKET_SCHEMA_SUFFIX": suffix,
    }
    try:
        load_raw_tickets_postgres(kwargs, raw_rows(scenario_tickets), schema=f"raw{suffix}")
        load_evaluations_postgres(kwargs, evaluations, schema=f"evaluation{suffix}")
        create_routing_sources_postgres(kwargs, schema=f"routing{suffix}")
        run_dbt(["build", "--target", "postgres"], env, tmp_path)

        conn = psycopg2.connect(**kwargs)
        try:
            with conn.cursor() as cur:
                marts = fetch_marts(cur, f"marts{suffix}")
                evaluation_marts = fetch_evaluation_marts(cur, f"marts{suffix}")
                cur.execute(
                    "select obj_description(%s::regclass, 'pg_class')",
                    (f"marts{suffix}.fct_tickets",),
                )
                comment = cur.fetchone()
        finally:
            conn.close()
        check_marts(marts, scenario_tickets)
        check_evaluation_marts(evaluation_marts, evaluations, scenario_tickets)
        assert comment is not None and "One row per support ticket" in comment[0]
    finally:
        conn = psycopg2.connect(**kwargs)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                for schema in schemas:
                    cur.execute(f"drop schema if exists {schema} cascade")
        finally:
            conn.close()


@pytest.mark.dbt
def test_dbt_parse_prod_target_without_credentials(tmp_path: Path) -> None:
    """The Redshift target parses with no TICKET_REDSHIFT_* variables set (defaults apply)."""
    result = run_dbt(["parse", "--target", "prod"], dbt_env(), tmp_path)
    assert (tmp_path / "target" / "manifest.json").exists(), result.stdout


def test_sla_reference_computation() -> None:
    """The Python reference of the processing-SLA rules itself, on hand-checked dates."""
    assert expected_due_at("HIGH", datetime(2025, 8, 9, 22, 0)) == datetime(2025, 8, 10, 2, 0)
    # Friday + 2 business days = Tuesday, same time.
    assert expected_due_at("MEDIUM", datetime(2025, 8, 8, 20, 54)) == datetime(2025, 8, 12, 20, 54)
    # Thursday + 2 = Monday; Wednesday + 3 = Monday.
    assert expected_due_at("MEDIUM", datetime(2025, 8, 7, 10)) == datetime(2025, 8, 11, 10)
    assert expected_due_at("NORMAL", datetime(2025, 8, 6, 9)) == datetime(2025, 8, 11, 9)
    # Saturday / Sunday count from Monday 00:00.
    assert expected_due_at("MEDIUM", datetime(2025, 8, 9, 10)) == datetime(2025, 8, 13)
    assert expected_due_at("NORMAL", datetime(2025, 8, 10, 23)) == datetime(2025, 8, 14)
    assert date(2025, 8, 9).weekday() == 5  # the fixture's Saturday
