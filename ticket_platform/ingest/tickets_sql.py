"""SQL for the ticket staging load, generated per engine by plain functions (what every feed
shares in ``ingest/feed_sql.py``, what every engine shares in ``warehouse/sql.py``).

Three dialects share one load algorithm: ``duckdb`` (embedded default), ``postgres`` (CI's
stand-in for Redshift) and ``redshift`` (production). Rows first reach a temporary batch table
(Arrow scan, ``COPY FROM STDIN`` or a manifest-driven ``COPY ... FORMAT JSON`` from S3); then one
transaction filters files the ledger already holds, keeps the latest version of each ticket,
replaces older versions in ``raw.tickets``, and records quarantine and ledger rows. On DuckDB
the batch table holds only the rows' keys, the rows themselves being read in place from Arrow
(``merge_steps`` says why).
"""

from __future__ import annotations

from ticket_platform.contracts import TICKET_COLUMNS
from ticket_platform.ingest import feed_sql
from ticket_platform.ingest.feed_sql import (
    BATCH_ROW,
    LEDGER_COLUMNS,
    LEDGER_TYPES,
    QUARANTINE_COLUMNS,
    QUARANTINE_TYPES,
    RAW_SCHEMA,
    FeedTables,
)
from ticket_platform.warehouse.sql import Dialect, MergeStep

# Every feed's ledger and quarantine shapes, still importable from here.
__all__ = ["LEDGER_COLUMNS", "LEDGER_TYPES", "QUARANTINE_COLUMNS", "QUARANTINE_TYPES"]

TICKETS_TABLE = f"{RAW_SCHEMA}.tickets"
LEDGER_TABLE = f"{RAW_SCHEMA}.ingest_ledger"
QUARANTINE_TABLE = f"{RAW_SCHEMA}.ticket_quarantine"

TICKETS_BATCH = "tickets_batch"
TICKETS_LATEST = "tickets_latest"
TICKETS_ROWS = "tickets_rows"  # DuckDB: the batch's Arrow rows, read in place (merge_steps)
LEDGER_BATCH = "ledger_batch"
QUARANTINE_BATCH = "quarantine_batch"

_TEXT = "varchar(65535)"
_TICKET_TYPES: dict[str, str] = {
    "ticket_id": "varchar(64) not null",
    "submitted_at": "timestamp not null",
    "customer_first_name": "varchar(2048)",
    "customer_last_name": "varchar(2048)",
    "customer_full_name": "varchar(2048)",
    "customer_email": "varchar(1280)",
    "company": "varchar(2048)",
    "product": "varchar(1024)",
    "issue_type": "varchar(1024)",
    "subject": "varchar(2048)",
    "description": _TEXT,
    "response_text": _TEXT,
    "sentiment": "varchar(16)",
    "sentiment_score_mixed": "double precision",
    "sentiment_score_negative": "double precision",
    "sentiment_score_neutral": "double precision",
    "sentiment_score_positive": "double precision",
    "priority": "varchar(16)",
    "priority_reasoning": _TEXT,
    "processed_at": "timestamp not null",
    "schema_version": "integer",
    "record_source": "varchar(32)",
    "target_sentiment": "varchar(16)",
}
assert tuple(_TICKET_TYPES) == TICKET_COLUMNS, "staging DDL must follow the ticket contract"

LINEAGE_TYPES: dict[str, str] = {
    "_source_key": "varchar(1024) not null",
    "_source_etag": "varchar(128) not null",
    "_partition_date": "date not null",
    "_loaded_at": "timestamp not null",
    "_run_id": "varchar(64)",
}
STAGING_COLUMNS: tuple[str, ...] = TICKET_COLUMNS + tuple(LINEAGE_TYPES)
# What every step before the insert decides on: the ticket, its version and its file.
BATCH_KEYS: tuple[str, ...] = ("ticket_id", "processed_at", "_source_key", "_source_etag")

TABLES = FeedTables(
    target=TICKETS_TABLE,
    ledger=LEDGER_TABLE,
    quarantine=QUARANTINE_TABLE,
    batch=TICKETS_BATCH,
    ledger_batch=LEDGER_BATCH,
    quarantine_batch=QUARANTINE_BATCH,
    target_types=_TICKET_TYPES | LINEAGE_TYPES,
    quarantine_types=QUARANTINE_TYPES,
    scratch=(TICKETS_LATEST,),
    rows_in_place=TICKETS_ROWS,
    batch_keys=BATCH_KEYS,
)


def create_tables_sql(dialect: Dialect) -> list[str]:
    """Idempotent DDL for the staging, ledger and quarantine tables."""
    return feed_sql.create_tables_sql(TABLES, dialect)


def create_batch_tables_sql(dialect: Dialect) -> list[str]:
    """Empty temporary tables shaped like their targets, dropped first so a session can reuse them."""
    return feed_sql.batch_tables_sql(TABLES, dialect)


def merge_steps(dialect: Dialect) -> list[MergeStep]:
    """The statements of one load transaction, after the batch tables are filled.

    Steps whose SQL starts with ``select`` are counts to read, the others report their row count
    under ``counts``. Order matters: lock, drop batch rows of files already in the ledger (an
    overlapping run may have loaded them), count the batch, keep the latest version of each
    ticket in the batch, drop versions older than what is staged, replace staged versions,
    insert, then quarantine and ledger rows.

    On DuckDB the rows are copied once, not three times (Arrow, batch table, latest versions,
    ``raw.tickets``): they stay in the parse's Arrow table, which DuckDB scans in place as
    ``tickets_rows`` for the transaction, and the batch table and the latest versions hold only
    ``BATCH_KEYS`` and the row's position (``_batch_row``): every step before the insert
    decides on keys alone. The insert then reads the surviving positions' rows from Arrow.
    PostgreSQL and Redshift cannot read the client's Arrow table, so their batch table (filled
    by COPY) holds whole rows.
    """
    in_place = TABLES.rows_read_in_place(dialect) is not None
    return [
        *feed_sql.ledger_recheck_steps(TABLES, dialect),
        MergeStep(f"select count(*) from {TICKETS_BATCH}", counts="batch_rows"),
        MergeStep(_latest_versions_sql((*BATCH_KEYS, BATCH_ROW) if in_place else STAGING_COLUMNS)),
        MergeStep(
            f"delete from {TICKETS_LATEST} using {TICKETS_TABLE} as staged "
            f"where staged.ticket_id = {TICKETS_LATEST}.ticket_id "
            f"and staged.processed_at > {TICKETS_LATEST}.processed_at",
            counts="stale_versions_skipped",
        ),
        MergeStep(
            f"delete from {TICKETS_TABLE} using {TICKETS_LATEST} as incoming "
            f"where {TICKETS_TABLE}.ticket_id = incoming.ticket_id",
            counts="duplicates_replaced",
        ),
        MergeStep(_insert_sql(in_place), counts="rows_inserted"),
        *feed_sql.record_steps(TABLES),
    ]


def _latest_versions_sql(columns: tuple[str, ...]) -> str:
    """The latest version of each ticket of the batch (its ``columns``), as ``tickets_latest``."""
    return (
        f"create temporary table {TICKETS_LATEST} as\n"
        f"select {', '.join(columns)} from (\n"
        f"    select *, row_number() over (\n"
        f"        partition by ticket_id order by processed_at desc, _source_key desc\n"
        f"    ) as version_rank\n"
        f"    from {TICKETS_BATCH}\n"
        f") as ranked\n"
        f"where version_rank = 1"
    )


def _insert_sql(in_place: bool) -> str:
    """The surviving latest versions into ``raw.tickets``: from ``tickets_latest``, or from the
    Arrow rows at its positions when they are read in place."""
    cols = ", ".join(STAGING_COLUMNS)
    if not in_place:
        return f"insert into {TICKETS_TABLE} ({cols}) select {cols} from {TICKETS_LATEST}"
    return (
        f"insert into {TICKETS_TABLE} ({cols}) select {cols} from {TICKETS_ROWS} "
        f"where {BATCH_ROW} in (select {BATCH_ROW} from {TICKETS_LATEST})"
    )


def loaded_files_sql(partition_date_param: str) -> str:
    """Keys and etags the ledger already holds for one partition (parameter style supplied)."""
    return feed_sql.loaded_files_sql(partition_date_param, LEDGER_TABLE)
