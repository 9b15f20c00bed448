"""Fixtures of the dbt project tests: the sample tickets with SLA scenarios, their raw rows, the
Nova Pro and rules verdicts as evaluation rows, and the (empty) routing sources, loaded into
DuckDB or PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from ticket_platform.evaluation.store_sql import EVALUATION_TYPES
from ticket_platform.ingest.events_sql import EVENT_LINEAGE_TYPES, EVENT_TYPES
from ticket_platform.routing.sql import FEEDBACK_TYPES, MODEL_VERSION_TYPES, ROUTE_TYPES
from ticket_platform.transform.project import dbt_executable
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
# Running dbt
# --------------------------------------------------------------------------------------------
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
