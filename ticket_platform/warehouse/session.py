"""Warehouse sessions: one small interface over DuckDB, PostgreSQL and Redshift.

A session runs the statements of ``warehouse_sql`` and fills the batch tables the fastest way its
engine allows (Arrow scan for DuckDB, ``COPY FROM STDIN`` for PostgreSQL, an S3 manifest and
``COPY ... FORMAT JSON`` for Redshift). Everything else about a load is shared.
"""

from __future__ import annotations

import gzip
import io
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import orjson
import pyarrow as pa
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_random_exponential

from ticket_platform.warehouse import sql
from ticket_platform.warehouse.sql import Dialect

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


def _as_rows(rows: list[dict] | pa.Table) -> list[dict]:
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


def rollback_keeping_cause(session: WarehouseSession, cause: BaseException) -> None:
    """Roll back after ``cause``; a rollback that fails too (the engine may have ended the
    transaction itself, e.g. on a full disk) is noted on ``cause`` instead of replacing it."""
    try:
        session.rollback()
    except Exception as error:
        cause.add_note(f"(the rollback after this error failed too: {error})")


def run_in_transaction(session: WarehouseSession, statements: Sequence[str]) -> None:
    """Run the statements in one transaction; roll back and re-raise on the first error."""
    session.begin()
    try:
        for statement in statements:
            session.execute(statement)
        session.commit()
    except Exception as error:
        rollback_keeping_cause(session, error)
        raise


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
    of a target that shares a key with a new row is deleted, then the new rows are inserted."""
    parts = [part for part in parts if part[3]]
    if not parts:
        return
    session.begin()
    try:
        for table, key, columns, rows in parts:
            for statement in sql.temporary_copy_sql(batch, table):
                session.execute(statement)
            session.fill_batch(batch, columns, list(rows))
            for statement in sql.replace_by_key_sql(table, batch, key, columns):
                session.execute(statement)
        session.commit()
    except Exception as error:
        rollback_keeping_cause(session, error)
        raise


# --------------------------------------------------------------------------------------------
# DuckDB
# --------------------------------------------------------------------------------------------
def is_lock_conflict(error: BaseException) -> bool:
    return "lock" in str(error).lower() and "duckdb" in type(error).__module__


class DuckDBSession:
    dialect: Dialect = "duckdb"
    param = "?"

    def __init__(self, connection: Any):
        self.con = connection

    def execute(self, statement: str, params: Sequence[Any] = ()) -> int:
        result = self.con.execute(statement, list(params))
        if result.description and result.description[0][0] == "Count":
            row = result.fetchone()
            return int(row[0]) if row else 0
        return 0

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.con.execute(statement, list(params)).fetchall()

    def fill_batch(
        self, table: str, columns: Sequence[str], rows: list[dict] | pa.Table, bulk: bool = False
    ) -> None:
        if not len(rows):
            return
        batch = (
            rows
            if isinstance(rows, pa.Table)
            else pa.Table.from_pylist(rows, schema=arrow_schema(columns))
        )
        self.con.register("_arrow_batch", batch)
        try:
            cols = ", ".join(columns)
            self.con.execute(f"insert into {table} ({cols}) select {cols} from _arrow_batch")
        finally:
            self.con.unregister("_arrow_batch")

    def begin(self) -> None:
        self.con.execute("begin transaction")

    def commit(self) -> None:
        self.con.execute("commit")

    def rollback(self) -> None:
        self.con.execute("rollback")


def _duckdb_connect(path: str, lock_wait_seconds: float) -> Any:
    import duckdb

    for attempt in Retrying(
        retry=retry_if_exception(is_lock_conflict),
        wait=wait_random_exponential(multiplier=0.2, max=5),
        stop=stop_after_delay(lock_wait_seconds),
        reraise=True,
    ):
        with attempt:
            return duckdb.connect(path)
    raise AssertionError("unreachable: tenacity re-raises the last error")


DUCKDB_MEMORY_LIMIT = "1GB"


@contextmanager
def duckdb_session(
    path: str | Path,
    memory_limit: str = DUCKDB_MEMORY_LIMIT,
    lock_wait_seconds: float = 120,
) -> Iterator[DuckDBSession]:
    """A session on a DuckDB file; waits up to ``lock_wait_seconds`` while another process holds
    its write lock (DuckDB allows one writing process), then raises the lock error.

    DuckDB's buffer pool defaults to 80 % of RAM and keeps pages of the growing table cached;
    the load needs far less, so the session caps it (and lets inserts ignore row order).
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = _duckdb_connect(str(path), lock_wait_seconds)
    con.execute(f"set memory_limit = '{memory_limit}'")
    con.execute("set preserve_insertion_order = false")
    try:
        yield DuckDBSession(con)
    finally:
        con.close()


# --------------------------------------------------------------------------------------------
# PostgreSQL (and the transaction half of Redshift)
# --------------------------------------------------------------------------------------------
def without_nul(value: Any) -> Any:
    """Text without NUL characters, which PostgreSQL and Redshift cannot store in any text type
    (JSON allows ``\\u0000`` in a string; DuckDB keeps it). Other values pass through."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "")
    return value


def _pg_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    text = without_nul(str(value))
    if any(c in text for c in "\\\t\n\r"):
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def pg_copy_text(columns: Sequence[str], rows: list[dict]) -> str:
    """Rows in PostgreSQL ``COPY ... FROM STDIN`` text format (tab-separated, ``\\N`` = NULL)."""
    return "".join("\t".join(_pg_text(row[c]) for c in columns) + "\n" for row in rows)


class PostgresSession:
    dialect: Dialect = "postgres"
    param = "%s"

    def __init__(self, connection: Any):
        self.conn = connection
        self.conn.autocommit = False

    def execute(self, statement: str, params: Sequence[Any] = ()) -> int:
        with self.conn.cursor() as cursor:
            cursor.execute(statement, tuple(params) or None)
            return max(cursor.rowcount, 0)

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self.conn.cursor() as cursor:
            cursor.execute(statement, tuple(params) or None)
            return cursor.fetchall()

    def fill_batch(
        self, table: str, columns: Sequence[str], rows: list[dict] | pa.Table, bulk: bool = False
    ) -> None:
        rows = _as_rows(rows)
        if not rows:
            return
        with self.conn.cursor() as cursor:
            cursor.copy_expert(
                f"copy {table} ({', '.join(columns)}) from stdin",
                io.StringIO(pg_copy_text(columns, rows)),
            )

    def fill_batch_by_insert(self, table: str, columns: Sequence[str], rows: list[dict]) -> None:
        if not rows:
            return
        from psycopg2.extras import execute_values

        with self.conn.cursor() as cursor:
            execute_values(
                cursor,
                f"insert into {table} ({', '.join(columns)}) values %s",
                [tuple(without_nul(row[c]) for c in columns) for row in rows],
                page_size=500,
            )

    def begin(self) -> None:
        pass  # psycopg2 opens a transaction on the first statement

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        self.conn.rollback()


@contextmanager
def postgres_session(connect: Callable[[], Any]) -> Iterator[PostgresSession]:
    conn = connect()
    try:
        yield PostgresSession(conn)
    finally:
        conn.close()


# --------------------------------------------------------------------------------------------
# Redshift: PostgreSQL's transaction logic, tickets loaded by a manifest COPY from S3
# --------------------------------------------------------------------------------------------
def jsonl_gz(columns: Sequence[str], rows: list[dict]) -> bytes:
    """Rows as gzip JSON lines with Redshift-friendly timestamps (``YYYY-MM-DD HH:MI:SS.US``)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=5, mtime=0) as gz:
        for row in rows:
            record = {}
            for name in columns:
                value = row[name]
                if isinstance(value, datetime | date):
                    value = _pg_text(value)
                record[name] = without_nul(value)
            gz.write(orjson.dumps(record))
            gz.write(b"\n")
    return out.getvalue()


def copy_manifest(urls_and_sizes: Sequence[tuple[str, int]]) -> bytes:
    return orjson.dumps(
        {
            "entries": [
                {"url": url, "mandatory": True, "meta": {"content_length": size}}
                for url, size in urls_and_sizes
            ]
        }
    )


class RedshiftSession(PostgresSession):
    """Redshift over psycopg2; ticket batches travel through S3 and a manifest COPY."""

    dialect: Dialect = "redshift"

    def __init__(
        self,
        connection: Any,
        *,
        s3_client: Any,
        staging_bucket: str,
        staging_prefix: str,
        iam_role_arn: str,
        region: str | None = None,
    ):
        super().__init__(connection)
        self.s3 = s3_client
        self.bucket = staging_bucket
        self.prefix = staging_prefix.strip("/")
        self.iam_role_arn = iam_role_arn
        self.region = region
        self.staged_keys: list[str] = []

    def fill_batch(
        self, table: str, columns: Sequence[str], rows: list[dict] | pa.Table, bulk: bool = False
    ) -> None:
        rows = _as_rows(rows)
        if not bulk:
            # Ledger and quarantine batches are small: plain inserts keep them in the transaction.
            return self.fill_batch_by_insert(table, columns, rows)
        if not rows:
            return
        batch_id = uuid.uuid4().hex
        data_key = f"{self.prefix}/{batch_id}/part-0000.jsonl.gz"
        body = jsonl_gz(columns, rows)
        self.s3.put_object(Bucket=self.bucket, Key=data_key, Body=body)
        manifest_key = f"{self.prefix}/{batch_id}/manifest.json"
        manifest = copy_manifest([(f"s3://{self.bucket}/{data_key}", len(body))])
        self.s3.put_object(Bucket=self.bucket, Key=manifest_key, Body=manifest)
        self.staged_keys += [data_key, manifest_key]
        self.execute(
            sql.copy_json_sql(
                table,
                tuple(columns),
                f"s3://{self.bucket}/{manifest_key}",
                self.iam_role_arn,
                self.region,
            )
        )

    def commit(self) -> None:
        super().commit()
        self.cleanup_staging()

    def rollback(self) -> None:
        super().rollback()
        self.cleanup_staging()

    def cleanup_staging(self) -> None:
        for start in range(0, len(self.staged_keys), 1000):
            chunk = self.staged_keys[start : start + 1000]
            self.s3.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True}
            )
        self.staged_keys = []
