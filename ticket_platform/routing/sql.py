"""DDL and merges for the routing tables (DuckDB, PostgreSQL, Redshift).

``routing.ticket_routes``: one row per (ticket, model version), the model's predicted team.
``routing.feedback``: analysts' corrections (one row per ticket, corrector and time), loaded from
``feedback/`` files with the ticket load's discipline: ``routing.feedback_ledger`` records every
file version once, ``routing.feedback_quarantine`` keeps every rejected row with its reason.
``routing.model_versions``: every trained model's metrics and where its artifact lives (the
fitted model itself stays in the lake, never in the warehouse).
"""

from __future__ import annotations

from ticket_platform.ingest.tickets_sql import LEDGER_TYPES, QUARANTINE_TYPES
from ticket_platform.warehouse.sql import Dialect, columns_ddl

ROUTING_SCHEMA = "routing"
ROUTES_TABLE = f"{ROUTING_SCHEMA}.ticket_routes"
FEEDBACK_TABLE = f"{ROUTING_SCHEMA}.feedback"
FEEDBACK_LEDGER_TABLE = f"{ROUTING_SCHEMA}.feedback_ledger"
FEEDBACK_QUARANTINE_TABLE = f"{ROUTING_SCHEMA}.feedback_quarantine"
MODEL_VERSIONS_TABLE = f"{ROUTING_SCHEMA}.model_versions"
ROUTING_BATCH = "routing_batch"

ROUTE_TYPES: dict[str, str] = {
    "ticket_id": "varchar(64) not null",
    "partition_date": "date not null",  # the ticket's partition (UTC day of its landing key)
    "model_version": "varchar(64) not null",
    "predicted_team": "varchar(256) not null",
    "probability": "double precision not null",
    "runner_up_team": "varchar(256)",
    "runner_up_probability": "double precision",
    "predicted_at": "timestamp not null",
    "run_id": "varchar(64)",
}
ROUTE_COLUMNS: tuple[str, ...] = tuple(ROUTE_TYPES)
ROUTE_KEY = ("ticket_id", "model_version")

FEEDBACK_TYPES: dict[str, str] = {
    "ticket_id": "varchar(64) not null",
    "correct_team": "varchar(256) not null",
    "corrected_by": "varchar(256) not null",
    "corrected_at": "timestamp not null",  # naive UTC
    "_source_key": "varchar(1024) not null",
    "_source_etag": "varchar(128) not null",
    "_line_number": "integer not null",  # 1-based record number within the file
    "_loaded_at": "timestamp not null",
    "_run_id": "varchar(64)",
}
FEEDBACK_COLUMNS: tuple[str, ...] = tuple(FEEDBACK_TYPES)
FEEDBACK_KEY = ("ticket_id", "corrected_by", "corrected_at")

FEEDBACK_LEDGER_COLUMNS: tuple[str, ...] = tuple(LEDGER_TYPES)
FEEDBACK_QUARANTINE_COLUMNS: tuple[str, ...] = tuple(QUARANTINE_TYPES)

MODEL_VERSION_TYPES: dict[str, str] = {
    "model_version": "varchar(64) not null",  # content hash of the artifact
    "estimator": "varchar(64) not null",  # naive_bayes | logistic_regression
    "artifact_uri": "varchar(2048) not null",
    "trained_at": "timestamp not null",
    "trained_through": "timestamp",  # submitted_at of the newest training ticket
    "training_rows": "integer not null",
    "corrections_used": "integer not null",
    "holdout_rows": "integer not null",
    "holdout_accuracy": "double precision",
    "holdout_macro_f1": "double precision",
    "reference_rows": "integer not null",
    "reference_accuracy": "double precision",
    "reference_macro_f1": "double precision",
    "status": "varchar(16) not null",  # candidate | promoted | blocked | retired
    "decision": "varchar(4096)",  # why it was promoted or blocked
    "promoted_at": "timestamp",
    "run_id": "varchar(64)",
}
MODEL_VERSION_COLUMNS: tuple[str, ...] = tuple(MODEL_VERSION_TYPES)


def create_routing_tables_sql(dialect: Dialect) -> list[str]:
    """Idempotent DDL for the routing schema."""
    redshift = dialect == "redshift"
    routes_tail = (
        "\ndiststyle key distkey (ticket_id) sortkey (partition_date, ticket_id)"
        if redshift
        else ""
    )
    small_tail = "\ndiststyle all" if redshift else ""
    tables = (
        (ROUTES_TABLE, ROUTE_TYPES, routes_tail),
        (FEEDBACK_TABLE, FEEDBACK_TYPES, small_tail),
        (FEEDBACK_LEDGER_TABLE, LEDGER_TYPES, small_tail),
        (FEEDBACK_QUARANTINE_TABLE, QUARANTINE_TYPES, ""),
        (MODEL_VERSIONS_TABLE, MODEL_VERSION_TYPES, small_tail),
    )
    return [f"create schema if not exists {ROUTING_SCHEMA}"] + [
        f"create table if not exists {table} (\n    {columns_ddl(types)}\n){tail}"
        for table, types, tail in tables
    ]
