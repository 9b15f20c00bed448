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

import csv
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
from helpers.dbt_warehouse import dbt_env

from ticket_platform.evaluation.store_sql import EVALUATION_TYPES
from ticket_platform.ingest.events_sql import EVENT_LINEAGE_TYPES, EVENT_TYPES
from ticket_platform.routing.sql import FEEDBACK_TYPES, MODEL_VERSION_TYPES, ROUTE_TYPES
from ticket_platform.warehouse.sql import columns_ddl

FIXTURE = Path(__file__).parents[1] / "fixtures" / "seed_processed_tickets.jsonl"
DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
POSTGRES_DSN_VAR = "TICKET_TEST_POSTGRES_DSN"
NOVA_PRO_VERDICTS = (
    Path(__file__).resolve().parents[2]
    / "ticket_platform"
    / "evaluation"
    / "reference"
    / "seed_nova_pro.jsonl"
)
PRODUCT_TEAMS_CSV = DBT_PROJECT_DIR / "seeds" / "product_teams.csv"

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

# The processing-SLA targets of dbt_project.yml (vars sla_hours_high, sla_business_days_*).
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


def _create_events_sql(schema: str) -> str:
    # The lifecycle events source, empty here (tests/integration/test_support_marts.py fills it).
    return f"create table {schema}.ticket_events ({columns_ddl(EVENT_TYPES | EVENT_LINEAGE_TYPES)})"


def load_raw_tickets_duckdb(
    db_path: Path, rows: list[tuple[Any, ...]], schema: str = "raw"
) -> None:
    """(Re)create ``<schema>.tickets`` in the DuckDB file ``db_path`` and insert ``rows``."""
    placeholders = ", ".join("?" for _ in RAW_COLUMNS)
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"create schema if not exists {schema}")
        con.execute(f"drop table if exists {schema}.tickets")
        con.execute(f"drop table if exists {schema}.ticket_events")
        con.execute(_create_table_sql(schema))
        con.execute(_create_events_sql(schema))
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
        cur.execute(f"drop table if exists {schema}.ticket_events cascade")
        cur.execute(_create_table_sql(schema))
        cur.execute(_create_events_sql(schema))
        execute_values(cur, f"insert into {schema}.tickets values %s", rows)
    conn.close()


# --------------------------------------------------------------------------------------------
# Loading evaluation.response_evaluations
# --------------------------------------------------------------------------------------------
CRITERIA = (
    "contextual_relevance",
    "technical_accuracy",
    "professional_tone",
    "actionable_guidance",
)
NOVA_JUDGE = "bedrock:us.amazon.nova-pro-v1:0"
RULES_JUDGE = "rules:rules-v1"
RUBRIC_VERSION = "support-rubric-v1"
DIMENSIONS = ("product", "issue_type", "priority", "sentiment", "team")


def _evaluation_row(
    ticket: dict[str, Any], judge: str, status: str, verdict: dict[str, bool] | None
) -> dict[str, Any]:
    """One row of evaluation.response_evaluations; ``verdict`` only for evaluated rows."""
    kind, model = judge.split(":", 1)
    key = hashlib.sha256(f"{ticket['ticket_id']}|{judge}|{RUBRIC_VERSION}".encode()).hexdigest()
    row: dict[str, Any] = {
        "ticket_id": ticket["ticket_id"],
        "judge": judge,
        "judge_kind": kind,
        "judge_model": model,
        "rubric_version": RUBRIC_VERSION,
        "prompt_version": "v1" if kind == "bedrock" else None,
        "partition_date": ticket["submitted_at"].date(),
        "status": status,
        "cache_key": key,
        "content_hash": hashlib.sha256(ticket["ticket_id"].encode()).hexdigest(),
        "all_passed": None,
        "steering_attempt": None,
        "flags": "[]",
        "flag_count": 0,
        "error": "JudgeUnavailableError: throttled" if status == "failed" else None,
        "attempts": {"evaluated": 1, "failed": 3, "deferred": 0}[status],
        "latency_ms": None,
        "input_tokens": None,
        "output_tokens": None,
        "cost_usd": None,
        "evaluated_at": datetime(2025, 8, 11, 6, 0, 0),
        "run_id": "pytest",
    }
    for criterion in CRITERIA:
        row[criterion] = None
        row[f"{criterion}_reasoning"] = None
    if verdict is not None:
        for criterion in CRITERIA:
            row[criterion] = verdict[criterion]
            row[f"{criterion}_reasoning"] = (
                f"{criterion}: {'met' if verdict[criterion] else 'not met'}"
            )
        row.update(
            all_passed=all(verdict[c] for c in CRITERIA),
            steering_attempt=False,
            latency_ms=850.5,
            input_tokens=0 if kind == "rules" else 1200,
            output_tokens=0 if kind == "rules" else 300,
            cost_usd=0.0 if kind == "rules" else 0.00168,
        )
    return row


def evaluation_records(tickets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The evaluation rows of the tests.

    * Nova Pro: the real seed-system verdicts (``labels``) of all 100 sample tickets, evaluated.
    * Rules judge, on four HIGH-priority tickets of the same day: two evaluated (one passes,
      one fails technical accuracy), one failed and one deferred. Its pass rates must come from
      the two evaluated rows only.
    """
    by_id = {t["ticket_id"]: t for t in tickets}
    records = []
    with NOVA_PRO_VERDICTS.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                reference = json.loads(line)
                ticket = by_id[reference["ticket_id"]]
                records.append(
                    _evaluation_row(ticket, NOVA_JUDGE, "evaluated", reference["labels"])
                )
    assert len(records) == len(tickets) == 100

    high = [t for t in tickets if t["priority"] == "HIGH" and "scenario" not in t][:4]
    passing = dict.fromkeys(CRITERIA, True)
    records += [
        _evaluation_row(high[0], RULES_JUDGE, "evaluated", passing),
        _evaluation_row(high[1], RULES_JUDGE, "evaluated", passing | {"technical_accuracy": False}),
        _evaluation_row(high[2], RULES_JUDGE, "failed", None),
        _evaluation_row(high[3], RULES_JUDGE, "deferred", None),
    ]
    return records


def _evaluation_values(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(record[name] for name in EVALUATION_TYPES) for record in records]


def _create_evaluations_sql(schema: str) -> str:
    # The column types of the evaluation asset's own DDL (valid in DuckDB, PostgreSQL, Redshift).
    columns = ",\n    ".join(f"{name} {type_}" for name, type_ in EVALUATION_TYPES.items())
    return f"create table {schema}.response_evaluations (\n    {columns}\n)"


def load_evaluations_duckdb(
    db_path: Path, records: list[dict[str, Any]], schema: str = "evaluation"
) -> None:
    """(Re)create ``<schema>.response_evaluations`` in DuckDB and insert ``records``."""
    placeholders = ", ".join("?" for _ in EVALUATION_TYPES)
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"create schema if not exists {schema}")
        con.execute(f"drop table if exists {schema}.response_evaluations")
        con.execute(_create_evaluations_sql(schema))
        con.executemany(
            f"insert into {schema}.response_evaluations values ({placeholders})",
            _evaluation_values(records),
        )


def load_evaluations_postgres(
    conn_kwargs: dict[str, Any], records: list[dict[str, Any]], schema: str = "evaluation"
) -> None:
    """(Re)create ``<schema>.response_evaluations`` in PostgreSQL and insert ``records``."""
    import psycopg2
    from psycopg2.extras import execute_values

    with psycopg2.connect(**conn_kwargs) as conn, conn.cursor() as cur:
        cur.execute(f"create schema if not exists {schema}")
        cur.execute(f"drop table if exists {schema}.response_evaluations cascade")
        cur.execute(_create_evaluations_sql(schema))
        execute_values(
            cur,
            f"insert into {schema}.response_evaluations values %s",
            _evaluation_values(records),
        )
    conn.close()


# --------------------------------------------------------------------------------------------
# The routing sources, empty here (tests/integration/test_routing_marts.py fills them)
# --------------------------------------------------------------------------------------------
def _create_routing_sql(schema: str) -> list[str]:
    tables = (
        ("ticket_routes", ROUTE_TYPES),
        ("feedback", FEEDBACK_TYPES),
        ("model_versions", MODEL_VERSION_TYPES),
    )
    return [f"create schema if not exists {schema}"] + [
        f"create table if not exists {schema}.{name} ({columns_ddl(types)})"
        for name, types in tables
    ]


def create_routing_sources_duckdb(db_path: Path, schema: str = "routing") -> None:
    with duckdb.connect(str(db_path)) as con:
        for statement in _create_routing_sql(schema):
            con.execute(statement)


def create_routing_sources_postgres(conn_kwargs: dict[str, Any], schema: str = "routing") -> None:
    import psycopg2

    with psycopg2.connect(**conn_kwargs) as conn, conn.cursor() as cur:
        for statement in _create_routing_sql(schema):
            cur.execute(statement)
    conn.close()


# --------------------------------------------------------------------------------------------
# Independent computation of the processing-SLA rules (fct_tickets)
# --------------------------------------------------------------------------------------------
def expected_due_at(priority: str, submitted_at: datetime) -> datetime:
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
# Independent computation of the evaluation marts
# --------------------------------------------------------------------------------------------
def product_teams() -> dict[str, str]:
    with PRODUCT_TEAMS_CSV.open(newline="", encoding="utf-8") as handle:
        return {row["product"]: row["team"] for row in csv.DictReader(handle)}


def evaluation_facts(
    records: list[dict[str, Any]], tickets: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each evaluation row with its ticket's day and breakdown values."""
    by_id = {t["ticket_id"]: t for t in tickets}
    teams = product_teams()
    facts = []
    for record in records:
        ticket = by_id[record["ticket_id"]]
        facts.append(
            {
                **record,
                "submitted_date": ticket["submitted_at"].date(),
                "product": ticket["product"],
                "issue_type": ticket["issue_type"],
                "priority": ticket["priority"],
                "sentiment": ticket["sentiment"],
                "team": teams.get(ticket["product"], "general support"),
            }
        )
    return facts


def _rate(passed: int, evaluated: int) -> float | None:
    return passed / evaluated if evaluated else None


def expected_daily_pass_rates(facts: list[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """(day, judge, rubric, dimension, value) -> counts and rates, over evaluated rows only."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for fact in facts:
        day = (fact["submitted_date"], fact["judge"], fact["rubric_version"])
        groups.setdefault((*day, "overall", "all"), []).append(fact)
        for dimension in DIMENSIONS:
            groups.setdefault((*day, dimension, fact[dimension]), []).append(fact)
    expected = {}
    for key, rows in groups.items():
        evaluated = [r for r in rows if r["status"] == "evaluated"]
        n = len(evaluated)
        values: dict[str, Any] = {
            "evaluation_count": len(rows),
            "evaluated_count": n,
            "failed_count": sum(r["status"] == "failed" for r in rows),
            "deferred_count": sum(r["status"] == "deferred" for r in rows),
        }
        for criterion in CRITERIA:
            passed = sum(bool(r[criterion]) for r in evaluated)
            values[f"{criterion}_passed_count"] = passed
            values[f"{criterion}_pass_rate"] = _rate(passed, n)
        passed_all = sum(all(r[c] for c in CRITERIA) for r in evaluated)
        values["all_criteria_passed_count"] = passed_all
        values["all_criteria_pass_rate"] = _rate(passed_all, n)
        expected[key] = values
    return expected


def expected_high_priority_failures(
    facts: list[dict[str, Any]],
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """(day, judge, rubric) -> HIGH-priority counts; failing = evaluated and not all passed."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for fact in facts:
        if fact["priority"] == "HIGH":
            key = (fact["submitted_date"], fact["judge"], fact["rubric_version"])
            groups.setdefault(key, []).append(fact)
    expected = {}
    for key, rows in groups.items():
        evaluated = [r for r in rows if r["status"] == "evaluated"]
        failing = sum(not all(r[c] for c in CRITERIA) for r in evaluated)
        expected[key] = {
            "ticket_count": len(rows),
            "evaluated_count": len(evaluated),
            "not_evaluated_count": len(rows) - len(evaluated),
            "failing_count": failing,
            "failing_share": _rate(failing, len(evaluated)),
        }
    return expected


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
    "processing_sla_target_description",
    "processing_sla_due_at",
    "is_processing_sla_breached",
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
    "processing_sla_breached_count",
]


def fetch_marts(cursor: Any, marts_schema: str) -> MartRows:
    # The processing SLA has its own column names: `is_sla_breached` / `sla_breached_count` mean
    # the help-desk SLAs (ticket_metrics, ticket_summary, ticket_breakdowns) everywhere.
    for mart, help_desk_name in (
        ("fct_tickets", "is_sla_breached"),
        ("daily_ticket_volume", "sla_breached_count"),
    ):
        cursor.execute(f"select * from {marts_schema}.{mart} where 1 = 0")
        assert help_desk_name not in {column[0] for column in cursor.description}, mart
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
        due = expected_due_at(ticket["priority"], ticket["submitted_at"])
        breached = expected_breach(ticket["processed_at"], due)
        expected_breaches += breached
        label = f"{ticket['ticket_id']} ({ticket.get('scenario', 'sample')}, {ticket['priority']})"
        assert row["processing_sla_due_at"] == due, label
        assert bool(row["is_processing_sla_breached"]) is breached, label
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
    assert by_scenario["high_late"]["is_processing_sla_breached"]
    assert not by_scenario["high_on_time"]["is_processing_sla_breached"]
    assert by_scenario["medium_weekend_on_time"]["processing_sla_due_at"] == datetime(2025, 8, 13)
    assert not by_scenario["medium_weekend_on_time"]["is_processing_sla_breached"]
    assert by_scenario["medium_weekend_late"]["is_processing_sla_breached"]
    assert by_scenario["medium_friday_late"]["is_processing_sla_breached"]
    assert by_scenario["normal_open"]["is_processing_sla_breached"]
    assert by_scenario["normal_sunday"]["processing_sla_due_at"] == datetime(2025, 8, 14)
    assert by_scenario["high_late"]["processing_sla_target_description"] == "4 calendar hours"
    assert (
        by_scenario["medium_weekend_late"]["processing_sla_target_description"] == "2 business days"
    )
    assert by_scenario["normal_open"]["processing_sla_target_description"] == "3 business days"

    # daily_ticket_volume: accounts for every ticket and breach, medians per group.
    assert sum(int(r["ticket_count"]) for r in marts.volume) == 100
    assert sum(int(r["processing_sla_breached_count"]) for r in marts.volume) == expected_breaches
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


RATE_KEY = ["submitted_date", "judge", "rubric_version", "dimension", "dimension_value"]
RATE_VALUES = [
    "evaluation_count",
    "evaluated_count",
    "failed_count",
    "deferred_count",
    *(f"{c}_passed_count" for c in CRITERIA),
    "all_criteria_passed_count",
    *(f"{c}_pass_rate" for c in CRITERIA),
    "all_criteria_pass_rate",
]
HIGH_KEY = ["submitted_date", "judge", "rubric_version"]
HIGH_VALUES = [
    "ticket_count",
    "evaluated_count",
    "not_evaluated_count",
    "failing_count",
    "failing_share",
]


@dataclass
class EvaluationMarts:
    fct: list[dict[str, Any]]
    rates: dict[tuple[Any, ...], dict[str, Any]]
    high: dict[tuple[Any, ...], dict[str, Any]]


def _keyed(cursor: Any, sql: str, key: list[str], values: list[str]) -> dict[tuple, dict]:
    cursor.execute(sql)
    rows = [dict(zip(key + values, row, strict=True)) for row in cursor.fetchall()]
    keyed = {tuple(r[k] for k in key): {v: r[v] for v in values} for r in rows}
    assert len(keyed) == len(rows), "duplicate keys"
    return keyed


def fetch_evaluation_marts(cursor: Any, marts_schema: str) -> EvaluationMarts:
    columns = ["ticket_id", "judge", "status", "is_evaluated", "submitted_date", "product", "team"]
    cursor.execute(f"select {', '.join(columns)} from {marts_schema}.fct_response_evaluations")
    fct = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    rates = _keyed(
        cursor,
        f"select {', '.join(RATE_KEY + RATE_VALUES)} from {marts_schema}.evaluation_daily_pass_rates",
        RATE_KEY,
        RATE_VALUES,
    )
    high = _keyed(
        cursor,
        f"select {', '.join(HIGH_KEY + HIGH_VALUES)} "
        f"from {marts_schema}.evaluation_high_priority_failures",
        HIGH_KEY,
        HIGH_VALUES,
    )
    return EvaluationMarts(fct=fct, rates=rates, high=high)


def _assert_same_values(actual: dict[str, Any], expected: dict[str, Any], label: Any) -> None:
    for name, value in expected.items():
        if value is None:
            assert actual[name] is None, (label, name)
        elif isinstance(value, float):
            assert actual[name] is not None, (label, name)
            assert float(actual[name]) == pytest.approx(value, abs=1e-9), (label, name)
        else:
            assert int(actual[name]) == value, (label, name)


def check_evaluation_marts(
    marts: EvaluationMarts, records: list[dict[str, Any]], tickets: list[dict[str, Any]]
) -> None:
    facts = evaluation_facts(records, tickets)

    # fct_response_evaluations: every row, whatever its status, with the ticket's facts.
    assert len(marts.fct) == len(records) == 104
    by_key = {(r["ticket_id"], r["judge"]): r for r in marts.fct}
    for fact in facts:
        row = by_key[(fact["ticket_id"], fact["judge"])]
        assert row["status"] == fact["status"]
        assert bool(row["is_evaluated"]) is (fact["status"] == "evaluated")
        assert row["submitted_date"] == fact["submitted_date"]
        assert (row["product"], row["team"]) == (fact["product"], fact["team"])

    # evaluation_daily_pass_rates: every (day, judge, rubric, dimension, value), exactly.
    expected_rates = expected_daily_pass_rates(facts)
    assert set(marts.rates) == set(expected_rates)
    for key, expected in expected_rates.items():
        _assert_same_values(marts.rates[key], expected, key)

    # Pass rates per product of Nova Pro, summed over the days, from the reference labels.
    labels: dict[str, list[bool]] = {}
    for fact in facts:
        if fact["judge"] == NOVA_JUDGE:
            labels.setdefault(fact["product"], []).append(all(fact[c] for c in CRITERIA))
    for product, passes in labels.items():
        rows = [
            v
            for k, v in marts.rates.items()
            if k[1] == NOVA_JUDGE and k[3] == "product" and k[4] == product
        ]
        evaluated = sum(int(r["evaluated_count"]) for r in rows)
        passed = sum(int(r["all_criteria_passed_count"]) for r in rows)
        assert evaluated == len(passes), product
        assert passed / evaluated == pytest.approx(sum(passes) / len(passes)), product
    nova_overall = [v for k, v in marts.rates.items() if k[1] == NOVA_JUDGE and k[3] == "overall"]
    assert sum(int(r["evaluated_count"]) for r in nova_overall) == 100
    assert sum(int(r["all_criteria_passed_count"]) for r in nova_overall) == 91  # 9 fail

    # Failed and deferred rows count in neither passes nor failures: the rules judge's rates
    # come from its two evaluated rows (one passes all, one fails technical accuracy).
    (rules_overall,) = [
        v for k, v in marts.rates.items() if k[1] == RULES_JUDGE and k[3] == "overall"
    ]
    assert int(rules_overall["evaluation_count"]) == 4
    assert int(rules_overall["evaluated_count"]) == 2
    assert int(rules_overall["failed_count"]) == 1
    assert int(rules_overall["deferred_count"]) == 1
    assert float(rules_overall["all_criteria_pass_rate"]) == pytest.approx(0.5)
    assert float(rules_overall["technical_accuracy_pass_rate"]) == pytest.approx(0.5)
    assert float(rules_overall["contextual_relevance_pass_rate"]) == pytest.approx(1.0)

    # evaluation_high_priority_failures: exactly, and the share over the whole sample.
    expected_high = expected_high_priority_failures(facts)
    assert set(marts.high) == set(expected_high)
    for key, expected in expected_high.items():
        _assert_same_values(marts.high[key], expected, key)
    nova_high = [v for k, v in marts.high.items() if k[1] == NOVA_JUDGE]
    high_tickets = [t for t in tickets if t["priority"] == "HIGH"]
    assert sum(int(r["evaluated_count"]) for r in nova_high) == len(high_tickets) == 31
    assert sum(int(r["failing_count"]) for r in nova_high) == 3  # of 31 HIGH: 3 fail
    (rules_high,) = [v for k, v in marts.high.items() if k[1] == RULES_JUDGE]
    assert (int(rules_high["ticket_count"]), int(rules_high["not_evaluated_count"])) == (4, 2)
    assert int(rules_high["failing_count"]) == 1
    assert float(rules_high["failing_share"]) == pytest.approx(0.5)


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
