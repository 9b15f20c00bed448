"""PostgreSQL, and Redshift on PostgreSQL's wire protocol: the same transaction logic, batches
filled by ``COPY FROM STDIN`` on PostgreSQL and by a manifest ``COPY`` from S3 on Redshift."""

from __future__ import annotations

import gzip
import io
import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import orjson
import pyarrow as pa

from ticket_platform.warehouse import sql
from ticket_platform.warehouse.session import as_rows
from ticket_platform.warehouse.sql import Dialect

log = logging.getLogger(__name__)


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
        rows = as_rows(rows)
        if not rows:
            return
        with self.conn.cursor() as cursor:
            cursor.copy_expert(
                f"copy {table} ({', '.join(columns)}) from stdin",
                io.StringIO(pg_copy_text(columns, rows)),
            )

    def fill_batch_by_insert(self, table: str, columns: Sequence[str], rows: list[dict]) -> None:
        """All ``rows`` in ONE multi-row ``INSERT ... VALUES`` statement (psycopg2 interpolates
        the parameters client side, so there is no bind-parameter limit; the caller keeps the
        statement under Redshift's 16 MB, see ``redshift_fill_method``)."""
        if not rows:
            return
        statement, params = multi_row_insert(table, columns, rows)
        with self.conn.cursor() as cursor:
            cursor.execute(statement, params)

    def begin(self) -> None:
        """psycopg2 opens a transaction on the first statement, so reads made since the last
        commit would share this transaction and its snapshot, taken at the first of them; a stale
        snapshot is what makes SERIALIZABLE writers conflict. That implicit transaction ends
        here, as DuckDB's would (statements outside begin..commit autocommit there)."""
        info = getattr(self.conn, "info", None)
        if info is not None and info.transaction_status != 0:  # not TRANSACTION_STATUS_IDLE
            self.conn.commit()

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


def multi_row_insert(
    table: str, columns: Sequence[str], rows: list[dict]
) -> tuple[str, tuple[Any, ...]]:
    """One ``insert into table (cols) values (%s, ...), (...)`` and its flattened parameters."""
    row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    statement = f"insert into {table} ({', '.join(columns)}) values " + ", ".join(
        [row_marks] * len(rows)
    )
    return statement, tuple(without_nul(row[c]) for row in rows for c in columns)


# A batch this small goes into the transaction as one multi-row INSERT; anything larger is
# staged in S3 and COPYed. Either way a batch is ONE statement on Redshift, never paged INSERTs.
# Redshift caps a statement at 16 MB and its leader node parses every VALUES row, so the INSERT
# is kept to few rows and well under 1 MB of text; a COPY costs two S3 PUTs, a DeleteObjects and
# the COPY's own start-up, worth it only beyond that. Small and bounded in practice: a load's
# ledger (one row per file), a clean load's quarantine, a tick's alert deliveries, a model version.
INSERT_MAX_ROWS = 1_000
INSERT_MAX_BYTES = 1_000_000


def redshift_fill_method(rows: list[dict], bulk: bool = False) -> str:
    """``"copy"`` or ``"insert"``: how Redshift fills a batch (``bulk`` always COPYs)."""
    if bulk or len(rows) > INSERT_MAX_ROWS:
        return "copy"
    size = 0
    for row in rows:
        size += sum(len(v) if isinstance(v, str) else 32 for v in row.values()) + 8
        if size > INSERT_MAX_BYTES:
            return "copy"
    return "insert"


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
    """Redshift over psycopg2. Every batch is one statement: a manifest COPY of gzip JSON lines
    staged in S3 when it is large (or ``bulk``), else one multi-row INSERT (``redshift_fill_method``).
    """

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
        rows = as_rows(rows)
        if not rows:
            return
        if redshift_fill_method(rows, bulk) == "insert":
            return self.fill_batch_by_insert(table, columns, rows)
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
        """Delete the batches this session staged. DeleteObjects answers per key: a key it
        refused is logged by name (the staging prefix's lifecycle rule expires it later), and
        the load it served, already committed or rolled back, stands."""
        for start in range(0, len(self.staged_keys), 1000):
            chunk = self.staged_keys[start : start + 1000]
            answer = self.s3.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True}
            )
            for refused in answer.get("Errors", []):
                log.warning(
                    "staged batch s3://%s/%s not deleted: %s %s",
                    self.bucket,
                    refused.get("Key"),
                    refused.get("Code"),
                    refused.get("Message", ""),
                )
        self.staged_keys = []
