"""SQL every landed feed shares (tickets, lifecycle events): ledger, quarantine, their checks.

A feed loads into three tables, its target, its ledger (one row per file version) and its
quarantine, through three temporary batch tables of the same shapes. One load transaction starts
the same way for every feed (lock the ledger, drop batch rows of files an overlapping run loaded
first) and ends the same way (record the quarantine and ledger rows); what happens in between is
the feed's own merge (``tickets_sql.merge_steps``, ``events_sql.event_merge_steps``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ticket_platform.warehouse.sql import Dialect, MergeStep, columns_ddl

RAW_SCHEMA = "raw"
# A row's position in the batch's Arrow table, for a feed whose rows DuckDB reads in place.
BATCH_ROW = "_batch_row"

LEDGER_TYPES: dict[str, str] = {
    "file_key": "varchar(1024) not null",
    "etag": "varchar(128) not null",
    "content_md5": "varchar(32)",
    "size_bytes": "bigint",
    "partition_date": "date not null",
    "status": "varchar(16) not null",  # loaded | partial | quarantined | unchanged
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


@dataclass(frozen=True)
class FeedTables:
    """The tables of one feed: target, ledger and quarantine, and the batch table of each."""

    target: str
    ledger: str
    quarantine: str
    batch: str
    ledger_batch: str
    quarantine_batch: str
    target_types: dict[str, str] = field(hash=False)  # contract columns, then lineage
    quarantine_types: dict[str, str] = field(hash=False)
    scratch: tuple[str, ...] = ()  # temporary tables the merge creates
    # DuckDB only: the name under which the merge reads the batch's Arrow rows in place, the
    # batch table then holding only ``batch_keys`` and ``BATCH_ROW`` (``tickets_sql.merge_steps``
    # says why). None: the batch table holds whole rows on every engine.
    rows_in_place: str | None = None
    batch_keys: tuple[str, ...] = ()

    def rows_read_in_place(self, dialect: Dialect) -> str | None:
        """The name the merge reads the batch's rows under on this engine, None: whole rows."""
        return self.rows_in_place if dialect == "duckdb" else None

    @property
    def staging_columns(self) -> tuple[str, ...]:
        return tuple(self.target_types)

    @property
    def quarantine_columns(self) -> tuple[str, ...]:
        return tuple(self.quarantine_types)


def create_tables_sql(tables: FeedTables, dialect: Dialect) -> list[str]:
    """Idempotent DDL for the feed's target, ledger and quarantine tables."""
    target_tail = ledger_tail = quarantine_tail = ""
    if dialect == "redshift":
        target_tail = "\ndiststyle key distkey (ticket_id) sortkey (_partition_date, ticket_id)"
        ledger_tail = "\ndiststyle all sortkey (partition_date, file_key)"
        quarantine_tail = "\nsortkey (partition_date)"
    return [
        f"create schema if not exists {RAW_SCHEMA}",
        f"create table if not exists {tables.target} (\n    "
        f"{columns_ddl(tables.target_types)}\n){target_tail}",
        f"create table if not exists {tables.ledger} (\n    {columns_ddl(LEDGER_TYPES)}\n){ledger_tail}",
        f"create table if not exists {tables.quarantine} (\n    "
        f"{columns_ddl(tables.quarantine_types)}\n){quarantine_tail}",
    ]


def batch_tables_sql(tables: FeedTables, dialect: Dialect) -> list[str]:
    """Empty temporary tables shaped like their targets, dropped first so a session can reuse
    them, and the merge's scratch tables dropped. A batch table whose rows are read in place
    holds their keys only (``FeedTables.rows_in_place``)."""
    statements = []
    for batch, target in (
        (tables.batch, tables.target),
        (tables.ledger_batch, tables.ledger),
        (tables.quarantine_batch, tables.quarantine),
    ):
        columns = "*"
        if batch == tables.batch and tables.rows_read_in_place(dialect):
            columns = f"{', '.join(tables.batch_keys)}, cast(null as bigint) as {BATCH_ROW}"
        statements.append(f"drop table if exists {batch}")
        statements.append(
            f"create temporary table {batch} as select {columns} from {target} limit 0"
        )
    statements += [f"drop table if exists {scratch}" for scratch in tables.scratch]
    return statements


def batch_keys_sql(tables: FeedTables) -> str:
    """The batch table's keys and row positions, from the rows read in place."""
    columns = ", ".join((*tables.batch_keys, BATCH_ROW))
    return f"insert into {tables.batch} ({columns}) select {columns} from {tables.rows_in_place}"


def ledger_recheck_steps(tables: FeedTables, dialect: Dialect) -> list[MergeStep]:
    """The first steps of every load: lock the ledger, then drop the batch rows of files it
    already holds (an overlapping run may have loaded them since this one listed the day)."""
    steps: list[MergeStep] = []
    if dialect in ("postgres", "redshift"):
        # Serializes concurrent loaders; the ledger check below then sees committed loads.
        steps.append(MergeStep(f"lock table {tables.ledger}"))
    for batch, key, etag in (
        (tables.ledger_batch, "file_key", "etag"),
        (tables.batch, "_source_key", "_source_etag"),
        (tables.quarantine_batch, "file_key", "etag"),
    ):
        steps.append(
            MergeStep(
                f"delete from {batch} using {tables.ledger} as done "
                f"where done.file_key = {batch}.{key} and done.etag = {batch}.{etag}",
                counts="files_already_loaded" if batch == tables.ledger_batch else None,
            )
        )
    return steps


def record_steps(tables: FeedTables) -> list[MergeStep]:
    """The last steps of every load: the batch's quarantine rows, then its ledger rows."""
    q_cols = ", ".join(tables.quarantine_columns)
    l_cols = ", ".join(LEDGER_COLUMNS)
    return [
        MergeStep(
            f"insert into {tables.quarantine} ({q_cols}) "
            f"select {q_cols} from {tables.quarantine_batch}",
            counts="rows_quarantined",
        ),
        MergeStep(
            f"insert into {tables.ledger} ({l_cols}) select {l_cols} from {tables.ledger_batch}",
            counts="files_recorded",
        ),
    ]


def files_per_status_sql(tables: FeedTables) -> str:
    """Files and records of the batch's ledger rows per status (after the merge)."""
    return (
        "select status, count(*), coalesce(sum(records_total), 0) "
        f"from {tables.ledger_batch} group by status"
    )


def loaded_files_sql(partition_date_param: str, ledger: str) -> str:
    """Keys and etags the ledger already holds for one partition (parameter style supplied)."""
    return f"select file_key, etag from {ledger} where partition_date = {partition_date_param}"


def loaded_digests_sql(partition_date_param: str, ledger: str) -> str:
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


def partition_quality_sql(partition_date_param: str, ledger: str) -> str:
    """Records seen and quarantined for one partition, over every load of it."""
    return (
        "select coalesce(sum(records_total), 0), coalesce(sum(rows_quarantined), 0), count(*) "
        f"from {ledger} where partition_date = {partition_date_param}"
    )
