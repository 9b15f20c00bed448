"""SQL for the ticket staging load, generated per engine by plain functions (shared parts in
``warehouse/sql.py``).

Three dialects share one load algorithm: ``duckdb`` (embedded default), ``postgres`` (CI's
stand-in for Redshift) and ``redshift`` (production). Rows first reach a temporary batch table
(Arrow scan, ``COPY FROM STDIN`` or a manifest-driven ``COPY ... FORMAT JSON`` from S3); then one
transaction filters files the ledger already holds, keeps the latest version of each ticket,
replaces older versions in ``raw.tickets``, and records quarantine and ledger rows.
"""

from __future__ import annotations

from ticket_platform.contracts import TICKET_COLUMNS
from ticket_platform.warehouse.sql import Dialect, MergeStep, columns_ddl

RAW_SCHEMA = "raw"
TICKETS_TABLE = f"{RAW_SCHEMA}.tickets"
LEDGER_TABLE = f"{RAW_SCHEMA}.ingest_ledger"
QUARANTINE_TABLE = f"{RAW_SCHEMA}.ticket_quarantine"

TICKETS_BATCH = "tickets_batch"
TICKETS_LATEST = "tickets_latest"
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

LEDGER_TYPES: dict[str, str] = {
    "file_key": "varchar(1024) not null",
    "etag": "varchar(128) not null",
    "content_md5": "varchar(32)",
    "size_bytes": "bigint",
    "partition_date": "date not null",
    "status": "varchar(16) not null",  # loaded | partial | quarantined
    "records_total": "integer not null",
    "rows_accepted": "integer not null",
    "rows_quarantined": "integer not null",
    "loaded_at": "timestamp not null",
    "run_id": "varchar(64)",
}
LEDGER_COLUMNS: tuple[str, ...] = tuple(LEDGER_TYPES)

QUARANTINE_TYPES: dict[str, str] = {
    "file_key": "varchar(1024) not null",
    "etag": "varchar(128) not null",
    "line_number": "integer",
    "ticket_id": "varchar(64)",
    "reason": "varchar(4096) not null",
    "raw_text": "varchar(16384)",
    "partition_date": "date not null",
    "quarantined_at": "timestamp not null",
    "run_id": "varchar(64)",
}
QUARANTINE_COLUMNS: tuple[str, ...] = tuple(QUARANTINE_TYPES)


def create_tables_sql(dialect: Dialect) -> list[str]:
    """Idempotent DDL for the staging, ledger and quarantine tables."""
    tickets_tail = ledger_tail = quarantine_tail = ""
    if dialect == "redshift":
        tickets_tail = "\ndiststyle key distkey (ticket_id) sortkey (_partition_date, ticket_id)"
        ledger_tail = "\ndiststyle all sortkey (partition_date, file_key)"
        quarantine_tail = "\nsortkey (partition_date)"
    return [
        f"create schema if not exists {RAW_SCHEMA}",
        f"create table if not exists {TICKETS_TABLE} (\n    "
        f"{columns_ddl(_TICKET_TYPES | LINEAGE_TYPES)}\n){tickets_tail}",
        f"create table if not exists {LEDGER_TABLE} (\n    {columns_ddl(LEDGER_TYPES)}\n){ledger_tail}",
        f"create table if not exists {QUARANTINE_TABLE} (\n    "
        f"{columns_ddl(QUARANTINE_TYPES)}\n){quarantine_tail}",
    ]


def create_batch_tables_sql(dialect: Dialect) -> list[str]:
    """Empty temporary tables shaped like their targets, dropped first so a session can reuse them."""
    statements = []
    for batch, target in (
        (TICKETS_BATCH, TICKETS_TABLE),
        (LEDGER_BATCH, LEDGER_TABLE),
        (QUARANTINE_BATCH, QUARANTINE_TABLE),
    ):
        statements.append(f"drop table if exists {batch}")
        statements.append(f"create temporary table {batch} as select * from {target} limit 0")
    statements.append(f"drop table if exists {TICKETS_LATEST}")
    return statements


def merge_steps(dialect: Dialect) -> list[MergeStep]:
    """The statements of one load transaction, after the batch tables are filled.

    Order matters: lock, drop batch rows of files already in the ledger (an overlapping run may
    have loaded them), keep the latest version of each ticket in the batch, drop versions older
    than what is staged, replace staged versions, insert, then quarantine and ledger rows.
    """
    cols = ", ".join(STAGING_COLUMNS)
    steps: list[MergeStep] = []
    if dialect in ("postgres", "redshift"):
        # Serializes concurrent loaders; the ledger check below then sees committed loads.
        steps.append(MergeStep(f"lock table {LEDGER_TABLE}"))
    steps += [
        MergeStep(
            f"delete from {LEDGER_BATCH} using {LEDGER_TABLE} as done "
            f"where done.file_key = {LEDGER_BATCH}.file_key and done.etag = {LEDGER_BATCH}.etag",
            counts="files_already_loaded",
        ),
        MergeStep(
            f"delete from {TICKETS_BATCH} using {LEDGER_TABLE} as done "
            f"where done.file_key = {TICKETS_BATCH}._source_key "
            f"and done.etag = {TICKETS_BATCH}._source_etag"
        ),
        MergeStep(
            f"delete from {QUARANTINE_BATCH} using {LEDGER_TABLE} as done "
            f"where done.file_key = {QUARANTINE_BATCH}.file_key "
            f"and done.etag = {QUARANTINE_BATCH}.etag"
        ),
        MergeStep(
            f"create temporary table {TICKETS_LATEST} as\n"
            f"select {cols} from (\n"
            f"    select *, row_number() over (\n"
            f"        partition by ticket_id order by processed_at desc, _source_key desc\n"
            f"    ) as version_rank\n"
            f"    from {TICKETS_BATCH}\n"
            f") as ranked\n"
            f"where version_rank = 1"
        ),
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
        MergeStep(
            f"insert into {TICKETS_TABLE} ({cols}) select {cols} from {TICKETS_LATEST}",
            counts="rows_inserted",
        ),
        MergeStep(
            f"insert into {QUARANTINE_TABLE} ({', '.join(QUARANTINE_COLUMNS)}) "
            f"select {', '.join(QUARANTINE_COLUMNS)} from {QUARANTINE_BATCH}",
            counts="rows_quarantined",
        ),
        MergeStep(
            f"insert into {LEDGER_TABLE} ({', '.join(LEDGER_COLUMNS)}) "
            f"select {', '.join(LEDGER_COLUMNS)} from {LEDGER_BATCH}",
            counts="files_recorded",
        ),
    ]
    return steps


def loaded_files_sql(partition_date_param: str, ledger: str = LEDGER_TABLE) -> str:
    """Keys and etags the ledger already holds for one partition (parameter style supplied)."""
    return f"select file_key, etag from {ledger} where partition_date = {partition_date_param}"


def loaded_digests_sql(partition_date_param: str, ledger: str = LEDGER_TABLE) -> str:
    """Per key of one partition, the content hash of its latest ledger row when that row loaded
    the file whole (``loaded`` or ``unchanged``): the same bytes need not be loaded again.
    A file once quarantined is always parsed again: the contract may have changed since."""
    return (
        "select file_key, content_md5, status from ("
        "select file_key, content_md5, status, row_number() over ("
        "partition by file_key order by loaded_at desc) as recency "
        f"from {ledger} where partition_date = {partition_date_param}"
        ") as versions where recency = 1 and status in ('loaded', 'unchanged')"
    )


def partition_quality_sql(partition_date_param: str) -> str:
    """Records seen and quarantined for one partition, over every load of it."""
    return (
        "select coalesce(sum(records_total), 0), coalesce(sum(rows_quarantined), 0), count(*) "
        f"from {LEDGER_TABLE} where partition_date = {partition_date_param}"
    )
