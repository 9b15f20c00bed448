"""SQL for the evaluation table, per engine (DuckDB, PostgreSQL, Redshift).

``evaluation.response_evaluations`` holds one row per (ticket, judge, rubric version): the latest
attempt. Rows with ``status = 'evaluated'`` are the cache: a row whose ``cache_key`` matches the
current ticket text, rubric, model and parameters is not evaluated again. ``failed`` rows keep
their error and are retried on the next run; ``deferred`` rows were not attempted because the
run's budget ran out.
"""

from __future__ import annotations

from ticket_platform.warehouse.sql import Dialect, columns_ddl

EVALUATION_SCHEMA = "evaluation"
EVALUATIONS_TABLE = f"{EVALUATION_SCHEMA}.response_evaluations"
# Verdicts on reference-set tickets (calibration), kept apart from production tickets' verdicts.
REFERENCE_EVALUATIONS_TABLE = f"{EVALUATION_SCHEMA}.reference_evaluations"
CALIBRATION_TABLE = f"{EVALUATION_SCHEMA}.judge_calibration"
EVALUATIONS_BATCH = "evaluations_batch"

_TEXT = "varchar(65535)"
EVALUATION_TYPES: dict[str, str] = {
    "ticket_id": "varchar(64) not null",
    "judge": "varchar(256) not null",  # <kind>:<model_id>, e.g. rules:rules-v1
    "judge_kind": "varchar(32) not null",  # rules | bedrock | langchain
    "judge_model": "varchar(256) not null",
    "rubric_version": "varchar(64) not null",
    "prompt_version": "varchar(64)",
    "partition_date": "date not null",  # the ticket's partition (UTC day of submitted_at)
    "status": "varchar(16) not null",  # evaluated | failed | deferred
    "cache_key": "varchar(64) not null",
    "content_hash": "varchar(64) not null",
    "contextual_relevance": "boolean",
    "technical_accuracy": "boolean",
    "professional_tone": "boolean",
    "actionable_guidance": "boolean",
    "all_passed": "boolean",
    "contextual_relevance_reasoning": _TEXT,
    "technical_accuracy_reasoning": _TEXT,
    "professional_tone_reasoning": _TEXT,
    "actionable_guidance_reasoning": _TEXT,
    "steering_attempt": "boolean",
    "flags": _TEXT,  # JSON array of strings
    "flag_count": "integer not null",
    "error": _TEXT,
    "attempts": "integer not null",
    "latency_ms": "double precision",
    "input_tokens": "integer",
    "output_tokens": "integer",
    "cost_usd": "double precision",
    "evaluated_at": "timestamp not null",
    "run_id": "varchar(64)",
}
EVALUATION_COLUMNS: tuple[str, ...] = tuple(EVALUATION_TYPES)
EVALUATION_KEY = ("ticket_id", "judge", "rubric_version")

CALIBRATION_TYPES: dict[str, str] = {
    "reference_set": "varchar(256) not null",
    "labelled_by": "varchar(1024)",
    "judge": "varchar(256) not null",
    "rubric_version": "varchar(64) not null",
    "criterion": "varchar(64) not null",
    "compared": "integer not null",
    "agreement": "double precision",
    "cohen_kappa": "double precision",
    "true_positive_rate": "double precision",
    "true_negative_rate": "double precision",
    "reference_pass_rate": "double precision",
    "judge_pass_rate": "double precision",
    "both_pass": "integer not null",
    "both_fail": "integer not null",
    "judge_only_pass": "integer not null",
    "reference_only_pass": "integer not null",
    "computed_at": "timestamp not null",
    "run_id": "varchar(64)",
}
# The 95 % confidence intervals, added after the first release: appended (nullable) to a table
# an older version created, by ``add_columns_sql``.
CALIBRATION_INTERVALS: tuple[str, ...] = (
    "agreement_ci",
    "cohen_kappa_ci",
    "true_positive_rate_ci",
    "true_negative_rate_ci",
)
CALIBRATION_TYPES |= {
    f"{statistic}_{bound}": "double precision"
    for statistic in CALIBRATION_INTERVALS
    for bound in ("low", "high")
}
CALIBRATION_COLUMNS: tuple[str, ...] = tuple(CALIBRATION_TYPES)
CALIBRATION_KEY = ("reference_set", "judge", "rubric_version", "criterion")


def create_evaluation_tables_sql(dialect: Dialect) -> list[str]:
    """Idempotent DDL for the evaluation schema and its tables."""
    redshift = dialect == "redshift"
    tail = "\ndiststyle key distkey (ticket_id) sortkey (partition_date, ticket_id)"
    return [
        f"create schema if not exists {EVALUATION_SCHEMA}",
        *(
            f"create table if not exists {table} (\n    {columns_ddl(EVALUATION_TYPES)}\n)"
            + (tail if redshift else "")
            for table in (EVALUATIONS_TABLE, REFERENCE_EVALUATIONS_TABLE)
        ),
        f"create table if not exists {CALIBRATION_TABLE} (\n    {columns_ddl(CALIBRATION_TYPES)}\n)"
        + ("\ndiststyle all" if redshift else ""),
    ]


def add_columns_sql(table: str, types: dict[str, str], existing: set[str]) -> list[str]:
    """``alter table ... add column`` for each column of ``types`` not in ``existing``.

    One column per statement, without ``if not exists``: Redshift accepts neither a list nor
    that clause. The added columns must be nullable (a table's old rows have no value).
    """
    return [
        f"alter table {table} add column {name} {kind}"
        for name, kind in types.items()
        if name not in existing
    ]


def cached_rows_sql(table: str, param: str, *, by_partition: bool) -> str:
    """(ticket_id, cache_key) of one judge's evaluated rows under one rubric (and partition)."""
    partition = f" and partition_date = {param}" if by_partition else ""
    return (
        f"select ticket_id, cache_key from {table} where status = 'evaluated' "
        f"and judge = {param} and rubric_version = {param}{partition}"
    )
