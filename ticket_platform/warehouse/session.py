"""Warehouse sessions: one small interface over DuckDB, PostgreSQL and Redshift.

A session runs SQL and fills batch tables the fastest way its engine allows: an Arrow scan for
DuckDB (``duckdb_engine.py``), ``COPY FROM STDIN`` for PostgreSQL and an S3 manifest with
``COPY ... FORMAT JSON`` for Redshift (``postgres_engine.py``). This module holds the interface
and what every engine shares: the Arrow types of known columns and the transaction helpers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

import pyarrow as pa
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from ticket_platform.warehouse import sql
from ticket_platform.warehouse.sql import Dialect

log = logging.getLogger(__name__)
T = TypeVar("T")

_ARROW_TYPES: dict[str, pa.DataType] = {
    "submitted_at": pa.timestamp("us"),
    "processed_at": pa.timestamp("us"),
    "_loaded_at": pa.timestamp("us"),
    "loaded_at": pa.timestamp("us"),
    "quarantined_at": pa.timestamp("us"),
    "_partition_date": pa.date32(),
    "partition_date": pa.date32(),
    "sentiment_score_mixed": pa.float64(),
    "sentiment_score_negative": pa.float64(),
    "sentiment_score_neutral": pa.float64(),
    "sentiment_score_positive": pa.float64(),
    "schema_version": pa.int32(),
    "size_bytes": pa.int64(),
    "records_total": pa.int32(),
    "rows_accepted": pa.int32(),
    "rows_quarantined": pa.int32(),
    "line_number": pa.int32(),
    # evaluation tables (ticket_platform/evaluation/store_sql.py)
    **dict.fromkeys(
        (
            "contextual_relevance",
            "technical_accuracy",
            "professional_tone",
            "actionable_guidance",
            "all_passed",
            "steering_attempt",
        ),
        pa.bool_(),
    ),
    **dict.fromkeys(
        (
            "flag_count",
            "attempts",
            "input_tokens",
            "output_tokens",
            "compared",
            "both_pass",
            "both_fail",
            "judge_only_pass",
            "reference_only_pass",
        ),
        pa.int64(),
    ),
    **dict.fromkeys(
        (
            "latency_ms",
            "cost_usd",
            "agreement",
            "cohen_kappa",
            "true_positive_rate",
            "true_negative_rate",
            "reference_pass_rate",
            "judge_pass_rate",
            # and their 95 % intervals (evaluation/store_sql.py CALIBRATION_INTERVALS)
            *(
                f"{statistic}_ci_{bound}"
                for statistic in (
                    "agreement",
                    "cohen_kappa",
                    "true_positive_rate",
                    "true_negative_rate",
                )
                for bound in ("low", "high")
            ),
        ),
        pa.float64(),
    ),
    "evaluated_at": pa.timestamp("us"),
    "computed_at": pa.timestamp("us"),
    # alert audit table (ticket_platform/alerts/audit_sql.py)
    "occurred_at": pa.timestamp("us"),
    "sent_at": pa.timestamp("us"),
    # lifecycle events (ticket_platform/ingest/events_sql.py); occurred_at is above
    "rating": pa.int32(),
    "_line_number": pa.int32(),
    # routing tables (ticket_platform/routing/sql.py)
    **dict.fromkeys(
        ("predicted_at", "corrected_at", "trained_at", "trained_through", "promoted_at"),
        pa.timestamp("us"),
    ),
    **dict.fromkeys(
        (
            "probability",
            "runner_up_probability",
            "holdout_accuracy",
            "holdout_macro_f1",
            "reference_accuracy",
            "reference_macro_f1",
        ),
        pa.float64(),
    ),
    **dict.fromkeys(
        ("training_rows", "corrections_used", "holdout_rows", "reference_rows"), pa.int64()
    ),
}


def arrow_schema(columns: Sequence[str]) -> pa.Schema:
    return pa.schema([(name, _ARROW_TYPES.get(name, pa.string())) for name in columns])


def as_rows(rows: list[dict] | pa.Table) -> list[dict]:
    return rows.to_pylist() if isinstance(rows, pa.Table) else rows


class WarehouseSession(Protocol):
    dialect: Dialect
    param: str  # the DB-API placeholder of the driver

    def execute(self, statement: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; return its row count (0 when the engine reports none)."""
        ...

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple]: ...

    def fill_batch(
        self, table: str, columns: Sequence[str], rows: list[dict] | pa.Table, bulk: bool = False
    ) -> None:
        """Append rows (dicts or an Arrow table) to a (temporary) batch table.

        ``bulk`` marks the one large batch of a load; on Redshift it is staged in S3 and COPYed.
        """
        ...

    def begin(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


@runtime_checkable
class KeepsRowsInPlace(Protocol):
    """A session whose engine reads the client's Arrow tables where they lie (DuckDB)."""

    def keep_rows(self, name: str, rows: pa.Table) -> None:
        """Let the current transaction's statements read ``rows`` as ``name``, until it commits
        or rolls back."""
        ...


def rollback_keeping_cause(session: WarehouseSession, cause: BaseException) -> None:
    """Roll back after ``cause``; a rollback that fails too (the engine may have ended the
    transaction itself, e.g. on a full disk) is noted on ``cause`` instead of replacing it."""
    try:
        session.rollback()
    except Exception as error:
        cause.add_note(f"(the rollback after this error failed too: {error})")


# PostgreSQL: serialization_failure (SERIALIZABLE) and deadlock_detected.
_PG_RETRYABLE = frozenset({"40001", "40P01"})
# Redshift reports its serializable isolation violation as error 1023 under SQLSTATE XX000
# (https://docs.aws.amazon.com/redshift/latest/dg/c_serial_isolation.html; the code as users
# report it, e.g. aws/aws-sdk-pandas#665): "ERROR: 1023 DETAIL: Serializable isolation violation
# on table - <id>, transactions forming the cycle are: ...". The detail text is what is matched.
_REDSHIFT_VIOLATION = "serializable isolation violation"
# Whole-transaction attempts on a serialization failure, and the random exponential wait
# between them (seconds): a concurrent writer's transaction usually commits within that time.
SERIALIZATION_ATTEMPTS = 5
SERIALIZATION_WAIT = wait_random_exponential(multiplier=0.5, max=8)


def is_serialization_failure(error: BaseException) -> bool:
    """True when the engine aborted the transaction because a concurrent one conflicts with it
    (re-running the whole transaction is then correct): PostgreSQL's 40001 / 40P01, Redshift's
    error 1023. DuckDB errors never match: its writers wait for the file lock instead."""
    code = getattr(error, "pgcode", None)
    if code in _PG_RETRYABLE:
        return True
    if code is None:
        return False
    diag = getattr(error, "diag", None)
    detail = getattr(diag, "message_detail", None) or ""
    return _REDSHIFT_VIOLATION in f"{error} {detail}".lower()


def in_transaction(
    session: WarehouseSession,
    work: Callable[[], T],
    *,
    attempts: int | None = None,
) -> T:
    """Run ``work`` (the transaction's statements) between begin and commit, and the whole
    transaction again when the engine aborts it for a serialization failure (up to
    ``SERIALIZATION_ATTEMPTS``). Any other error rolls back and raises at once.

    ``work`` must start from nothing each time: everything it writes is inside the transaction
    (temporary batch tables included), so a rolled-back attempt leaves nothing behind.
    """

    def note_retry(state: Any) -> None:
        error = state.outcome.exception() if state.outcome else None
        first_line = str(error).strip().split("\n")[0] if error else ""
        log.warning("transaction retried after attempt %d: %s", state.attempt_number, first_line)

    for attempt in Retrying(
        retry=retry_if_exception(is_serialization_failure),
        stop=stop_after_attempt(attempts or SERIALIZATION_ATTEMPTS),
        wait=SERIALIZATION_WAIT,
        before_sleep=note_retry,
        reraise=True,
    ):
        with attempt:
            session.begin()
            try:
                result = work()
                session.commit()
            except Exception as error:
                rollback_keeping_cause(session, error)
                raise
    return result


def run_in_transaction(session: WarehouseSession, statements: Sequence[str]) -> None:
    """Run the statements in one transaction; roll back and re-raise on the first error (the
    whole transaction is re-run on a serialization failure, see ``in_transaction``)."""

    def work() -> None:
        for statement in statements:
            session.execute(statement)

    in_transaction(session, work)


def replace_rows(
    session: WarehouseSession,
    table: str,
    key: tuple[str, ...],
    columns: tuple[str, ...],
    rows: Sequence[dict],
    *,
    batch: str,
) -> int:
    """Replace the stored rows of the rows' keys in one transaction (idempotent on re-run)."""
    replace_many(session, [(table, key, columns, rows)], batch=batch)
    return len(rows)


def replace_many(
    session: WarehouseSession,
    parts: Sequence[tuple[str, tuple[str, ...], tuple[str, ...], Sequence[dict]]],
    *,
    batch: str,
) -> None:
    """``replace_rows`` for several (table, key, columns, rows) in one transaction: every row
    of a target that shares a key with a new row is deleted, then the new rows are inserted.

    Per table that is one fill of the batch table (on Redshift one COPY, or one multi-row
    INSERT for a small batch) and one delete and one insert from it, whatever the row count.
    """
    parts = [part for part in parts if part[3]]
    if not parts:
        return

    def work() -> None:
        for table, key, columns, rows in parts:
            for statement in sql.temporary_copy_sql(batch, table):
                session.execute(statement)
            session.fill_batch(batch, columns, list(rows))
            for statement in sql.replace_by_key_sql(table, batch, key, columns):
                session.execute(statement)

    in_transaction(session, work)
