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

The DuckDB test always runs. The PostgreSQL test runs when TICKET_TEST_POSTGRES_DSN is set
(e.g. ``postgresql://postgres@127.0.0.1:5432/test``); it writes to schemas with a unique suffix
(TICKET_SCHEMA_SUFFIX) and drops them afterwards, so parallel runs do not collide.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import duckdb
import pytest

FIXTURE = Path(__file__).parents[1] / "fixtures" / "seed_processed_tickets.jsonl"
DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
POSTGRES_DSN_VAR = "TICKET_TEST_POSTGRES_DSN"

# raw.tickets, in the column order of the loader's table. The types are valid in DuckDB,
# PostgreSQL and Redshift.
RAW_COLUMNS: list[tuple[str, str]] = [
    ("ticket_id", "varchar"),
    ("submitted_at", "timestamp"),
    ("customer_first_name", "varchar"),
    ("customer_last_name", "varchar"),
    ("customer_full_name", "varchar"),
    ("customer_email", "varchar"),
    ("company", "varchar"),
    ("product", "varchar"),
    ("issue_type", "varchar"),
    ("subject", "varchar"),
    ("description", "varchar"),
    ("response_text", "varchar"),
    ("sentiment", "varchar"),
    ("sentiment_score_mixed", "double precision"),
    ("sentiment_score_negative", "double precision"),
    ("sentiment_score_neutral", "double precision"),
    ("sentiment_score_positive", "double precision"),
    ("priority", "varchar"),
    ("priority_reasoning", "varchar"),
    ("processed_at", "timestamp"),
    ("schema_version", "integer"),
    ("record_source", "varchar"),
    ("target_sentiment", "varchar"),
    ("_source_key", "varchar"),
    ("_source_etag", "varchar"),
    ("_partition_date", "date"),
    ("_loaded_at", "timestamp"),
    ("_run_id", "varchar"),
]

# The SLA targets of dbt_project.yml (vars sla_hours_high, sla_business_days_*).
SLA_HOURS_HIGH = 4
SLA_BUSINESS_DAYS = {"MEDIUM": 2, "NORMAL": 3}


# --------------------------------------------------------------------------------------------
# Loading raw.tickets
# --------------------------------------------------------------------------------------------
def _ts(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def read_fixture_tickets() -> list[dict[str, Any]]:
    """The sample tickets as dicts, timestamps parsed, version-2 fields filled with defaults."""
    tickets = []
    with FIXTURE.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            record["submitted_at"] = _ts(record["submitted_at"])
            record["processed_at"] = _ts(record.get("processed_at"))
            record.setdefault("company", None)
            record.setdefault("schema_version", 1)
            record.setdefault("record_source", "seed_system")
            record.setdefault("target_sentiment", None)
            tickets.append(record)
    return tickets


def with_sla_scenarios(tickets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Alter a few sample tickets so that weekends, breaches and open tickets occur.

    Returns new dicts; the ids of the altered tickets are in ``ticket["scenario"]``.
    """
    tickets = [dict(t) for t in tickets]
    by_priority: dict[str, list[dict[str, Any]]] = {}
    for ticket in tickets:
        by_priority.setdefault(ticket["priority"], []).append(ticket)

    saturday = datetime(2025, 8, 9, 10, 0, 0)
    friday = datetime(2025, 8, 8, 16, 30, 15, 250000)
    scenarios = [
        # HIGH processed 5 hours later: breached (due 4 calendar hours after submission).
        ("HIGH", 0, "high_late", saturday, saturday + timedelta(hours=5)),
        # HIGH processed 3h59m later on a Saturday: not breached.
        ("HIGH", 1, "high_on_time", saturday, saturday + timedelta(hours=3, minutes=59)),
        # MEDIUM submitted Saturday: counts from Monday 00:00, due Wednesday 00:00.
        ("MEDIUM", 0, "medium_weekend_on_time", saturday, datetime(2025, 8, 12, 23, 59, 59)),
        ("MEDIUM", 1, "medium_weekend_late", saturday, datetime(2025, 8, 13, 0, 0, 1)),
        # MEDIUM submitted Friday afternoon: due Tuesday same time.
        ("MEDIUM", 2, "medium_friday_late", friday, friday + timedelta(days=4, seconds=1)),
        # NORMAL submitted Friday, not processed yet: due Wednesday 2025-08-13, long past.
        ("NORMAL", 0, "normal_open", friday, None),
        # NORMAL submitted Sunday: due Thursday 00:00.
        ("NORMAL", 1, "normal_sunday", datetime(2025, 8, 10, 23, 0), datetime(2025, 8, 13, 9, 0)),
    ]
    for priority, index, name, submitted_at, processed_at in scenarios:
        ticket = by_priority[priority][index]
        ticket["submitted_at"] = submitted_at
        ticket["processed_at"] = processed_at
        ticket["scenario"] = name
    return tickets


def raw_rows(tickets: list[dict[str, Any]], run_id: str = "pytest") -> list[tuple[Any, ...]]:
    """Rows for raw.tickets in RAW_COLUMNS order, with made-up load metadata."""
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for ticket in tickets:
        submitted: datetime = ticket["submitted_at"]
        key = f"tickets/{submitted:%Y/%m/%d}/ticket_{ticket['ticket_id']}.json"
        body = json.dumps(ticket, default=str, sort_keys=True).encode()
        metadata = {
            "_source_key": key,
            "_source_etag": hashlib.md5(body).hexdigest(),
            "_partition_date": submitted.date(),
            "_loaded_at": loaded_at,
            "_run_id": run_id,
        }
        rows.append(tuple({**ticket, **metadata}.get(name) for name, _ in RAW_COLUMNS))
    return rows


def _create_table_sql(schema: str) -> str:
    columns = ",\n    ".join(f"{name} {type_}" for name, type_ in RAW_COLUMNS)
    return f"create table {schema}.tickets (\n    {columns}\n)"


def load_raw_tickets_duckdb(
    db_path: Path, rows: list[tuple[Any, ...]], schema: str = "raw"
) -> None:
    """(Re)create ``<schema>.tickets`` in the DuckDB file ``db_path`` and insert ``rows``."""
    placeholders = ", ".join("?" for _ in RAW_COLUMNS)
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"create schema if not exists {schema}")
        con.execute(f"drop table if exists {schema}.tickets")
        con.execute(_create_table_sql(schema))
        con.executemany(f"insert into {schema}.tickets values ({placeholders})", rows)


def load_raw_tickets_postgres(
    conn_kwargs: dict[str, Any], rows: list[tuple[Any, ...]], schema: str = "raw"
) -> None:
    """(Re)create ``<schema>.tickets`` in PostgreSQL and insert ``rows``."""
    import psycopg2
    from psycopg2.extras import execute_values

    with psycopg2.connect(**conn_kwargs) as conn, conn.cursor() as cur:
        cur.execute(f"create schema if not exists {schema}")
        cur.execute(f"drop table if exists {schema}.tickets cascade")
        cur.execute(_create_table_sql(schema))
        execute_values(cur, f"insert into {schema}.tickets values %s", rows)
    conn.close()


# --------------------------------------------------------------------------------------------
# Independent computation of the SLA rules
# --------------------------------------------------------------------------------------------
def expected_sla_due_at(priority: str, submitted_at: datetime) -> datetime:
    if priority == "HIGH":
        return submitted_at + timedelta(hours=SLA_HOURS_HIGH)
    start = submitted_at
    if start.weekday() >= 5:  # Saturday or Sunday: start next Monday 00:00
        start = datetime.combine(start.date() + timedelta(days=7 - start.weekday()), time())
    due, remaining = start, SLA_BUSINESS_DAYS[priority]
    while remaining:  # walk day by day, counting Monday..Friday only
        due += timedelta(days=1)
        if due.weekday() < 5:
            remaining -= 1
    return due


def expected_breach(processed_at: datetime | None, due: datetime) -> bool:
    reference = processed_at or datetime.now(UTC).replace(tzinfo=None)
    return reference > due


# --------------------------------------------------------------------------------------------
# Running dbt
# --------------------------------------------------------------------------------------------
def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("dbt")
    if found is None:
        pytest.fail("dbt executable not found next to the Python interpreter nor on PATH")
    return found


def base_env() -> dict[str, str]:
    """The current environment without any TICKET_* setting that could redirect dbt."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TICKET_")}
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env["DO_NOT_TRACK"] = "1"
    return env


def run_dbt(
    args: list[str], env: dict[str, str], work_dir: Path
) -> subprocess.CompletedProcess[str]:
    """Run dbt with target/ and logs/ under ``work_dir`` so parallel tests do not clash."""
    command = [
        dbt_executable(),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    result = subprocess.run(
        command, cwd=work_dir, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, (
        f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    )
    return result


# --------------------------------------------------------------------------------------------
# Checks shared by the engines
# --------------------------------------------------------------------------------------------
@dataclass
class MartRows:
    fct: dict[str, dict[str, Any]]  # ticket_id -> row
    volume: list[dict[str, Any]]


FCT_COLUMNS = [
    "ticket_id",
    "priority",
    "product",
    "sentiment",
    "submitted_at",
    "submitted_date",
    "processed_at",
    "response_latency_seconds",
    "sla_target_description",
    "sla_due_at",
    "is_sla_breached",
    "customer_email_domain",
    "record_source",
]
VOLUME_COLUMNS = [
    "submitted_date",
    "product",
    "priority",
    "sentiment",
    "ticket_count",
    "median_response_latency_seconds",
    "sla_breached_count",
]


def fetch_marts(cursor: Any, marts_schema: str) -> MartRows:
    cursor.execute(f"select {', '.join(FCT_COLUMNS)} from {marts_schema}.fct_tickets")
    fct = {row[0]: dict(zip(FCT_COLUMNS, row, strict=True)) for row in cursor.fetchall()}
    cursor.execute(f"select {', '.join(VOLUME_COLUMNS)} from {marts_schema}.daily_ticket_volume")
    volume = [dict(zip(VOLUME_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    return MartRows(fct=fct, volume=volume)


def check_marts(marts: MartRows, tickets: list[dict[str, Any]]) -> None:
    assert len(marts.fct) == 100
    assert set(marts.fct) == {t["ticket_id"] for t in tickets}

    expected_breaches = 0
    for ticket in tickets:
        row = marts.fct[ticket["ticket_id"]]
        due = expected_sla_due_at(ticket["priority"], ticket["submitted_at"])
        breached = expected_breach(ticket["processed_at"], due)
        expected_breaches += breached
        label = f"{ticket['ticket_id']} ({ticket.get('scenario', 'sample')}, {ticket['priority']})"
        assert row["sla_due_at"] == due, label
        assert bool(row["is_sla_breached"]) is breached, label
        assert row["submitted_date"] == ticket["submitted_at"].date(), label
        if ticket["processed_at"] is None:
            assert row["response_latency_seconds"] is None, label
        else:
            latency = (ticket["processed_at"] - ticket["submitted_at"]).total_seconds()
            assert float(row["response_latency_seconds"]) == pytest.approx(latency, abs=0.002), (
                label
            )
        assert (
            row["customer_email_domain"] == ticket["customer_email"].strip().lower().split("@")[1]
        )
        assert row["record_source"] == "seed_system"

    by_scenario = {t["scenario"]: marts.fct[t["ticket_id"]] for t in tickets if "scenario" in t}
    assert by_scenario["high_late"]["is_sla_breached"]
    assert not by_scenario["high_on_time"]["is_sla_breached"]
    assert by_scenario["medium_weekend_on_time"]["sla_due_at"] == datetime(2025, 8, 13)
    assert not by_scenario["medium_weekend_on_time"]["is_sla_breached"]
    assert by_scenario["medium_weekend_late"]["is_sla_breached"]
    assert by_scenario["medium_friday_late"]["is_sla_breached"]
    assert by_scenario["normal_open"]["is_sla_breached"]
    assert by_scenario["normal_sunday"]["sla_due_at"] == datetime(2025, 8, 14)
    assert by_scenario["high_late"]["sla_target_description"] == "4 calendar hours"
    assert by_scenario["medium_weekend_late"]["sla_target_description"] == "2 business days"
    assert by_scenario["normal_open"]["sla_target_description"] == "3 business days"

    # daily_ticket_volume: accounts for every ticket and breach, medians per group.
    assert sum(int(r["ticket_count"]) for r in marts.volume) == 100
    assert sum(int(r["sla_breached_count"]) for r in marts.volume) == expected_breaches
    groups: dict[tuple[Any, ...], list[float]] = {}
    for ticket in tickets:
        key = (
            ticket["submitted_at"].date(),
            ticket["product"],
            ticket["priority"],
            ticket["sentiment"],
        )
        latencies = groups.setdefault(key, [])
        if ticket["processed_at"] is not None:
            latencies.append((ticket["processed_at"] - ticket["submitted_at"]).total_seconds())
    assert len(marts.volume) == len(groups)
    for row in marts.volume:
        key = (row["submitted_date"], row["product"], row["priority"], row["sentiment"])
        latencies = groups[key]
        if latencies:
            assert float(row["median_response_latency_seconds"]) == pytest.approx(
                statistics.median(latencies), abs=0.002
            ), key
        else:
            assert row["median_response_latency_seconds"] is None, key


@pytest.fixture
def scenario_tickets() -> list[dict[str, Any]]:
    return with_sla_scenarios(read_fixture_tickets())


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------
@pytest.mark.dbt
def test_dbt_build_on_duckdb(tmp_path: Path, scenario_tickets: list[dict[str, Any]]) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    load_raw_tickets_duckdb(warehouse, raw_rows(scenario_tickets))

    env = base_env() | {"TICKET_WAREHOUSE_PATH": str(warehouse)}
    run_dbt(["build", "--target", "local"], env, tmp_path)

    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = fetch_marts(con.cursor(), "marts")
        # persist_docs wrote the yml descriptions into the catalog.
        comment = con.execute(
            "select comment from duckdb_tables() where schema_name = 'marts' and table_name = 'fct_tickets'"
        ).fetchone()
    check_marts(marts, scenario_tickets)
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
    postgres_conn_kwargs: dict[str, Any],
) -> None:
    import psycopg2

    suffix = f"_pytest_{uuid.uuid4().hex[:10]}"
    schemas = [f"{name}{suffix}" for name in ("raw", "staging", "intermediate", "marts", "dbt")]
    kwargs = postgres_conn_kwargs
    env = base_env() | {
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
        run_dbt(["build", "--target", "postgres"], env, tmp_path)

        conn = psycopg2.connect(**kwargs)
        try:
            with conn.cursor() as cur:
                marts = fetch_marts(cur, f"marts{suffix}")
                cur.execute(
                    "select obj_description(%s::regclass, 'pg_class')",
                    (f"marts{suffix}.fct_tickets",),
                )
                comment = cur.fetchone()
        finally:
            conn.close()
        check_marts(marts, scenario_tickets)
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
    result = run_dbt(["parse", "--target", "prod"], base_env(), tmp_path)
    assert (tmp_path / "target" / "manifest.json").exists(), result.stdout


def test_sla_reference_computation() -> None:
    """The Python reference of the SLA rules itself, on hand-checked dates."""
    assert expected_sla_due_at("HIGH", datetime(2025, 8, 9, 22, 0)) == datetime(2025, 8, 10, 2, 0)
    # Friday + 2 business days = Tuesday, same time.
    assert expected_sla_due_at("MEDIUM", datetime(2025, 8, 8, 20, 54)) == datetime(
        2025, 8, 12, 20, 54
    )
    # Thursday + 2 = Monday; Wednesday + 3 = Monday.
    assert expected_sla_due_at("MEDIUM", datetime(2025, 8, 7, 10)) == datetime(2025, 8, 11, 10)
    assert expected_sla_due_at("NORMAL", datetime(2025, 8, 6, 9)) == datetime(2025, 8, 11, 9)
    # Saturday / Sunday count from Monday 00:00.
    assert expected_sla_due_at("MEDIUM", datetime(2025, 8, 9, 10)) == datetime(2025, 8, 13)
    assert expected_sla_due_at("NORMAL", datetime(2025, 8, 10, 23)) == datetime(2025, 8, 14)
    assert date(2025, 8, 9).weekday() == 5  # the fixture's Saturday
