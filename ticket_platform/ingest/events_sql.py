"""SQL for the lifecycle-event load (``events/YYYY/MM/DD/*.jsonl.gz`` → ``raw.ticket_events``).

The same three dialects and the same discipline as the ticket load (``feed_sql``): rows reach
temporary batch tables, then one transaction re-checks the ledger under a lock, keeps one row per
``event_id`` and records quarantine and ledger rows. Unlike tickets, events are immutable: an
``event_id`` already stored is never replaced. A copy with the same content (a redelivery, a
rewritten file) is skipped; a copy with different content is quarantined.
"""

from __future__ import annotations

from ticket_platform.ingest import feed_sql
from ticket_platform.ingest.feed_sql import LEDGER_TYPES, QUARANTINE_TYPES, RAW_SCHEMA, FeedTables
from ticket_platform.warehouse.sql import Dialect, MergeStep

EVENTS_TABLE = f"{RAW_SCHEMA}.ticket_events"
EVENT_LEDGER_TABLE = f"{RAW_SCHEMA}.event_ledger"
EVENT_QUARANTINE_TABLE = f"{RAW_SCHEMA}.event_quarantine"

EVENTS_BATCH = "events_batch"
EVENTS_RANKED = "events_ranked"
EVENTS_REFERENCE = "events_reference"
EVENT_LEDGER_BATCH = "event_ledger_batch"
EVENT_QUARANTINE_BATCH = "event_quarantine_batch"

DUPLICATE_CONFLICT = "duplicate event_id with different content"

EVENT_TYPES: dict[str, str] = {
    "event_id": "varchar(160) not null",
    "ticket_id": "varchar(64) not null",
    "event_name": "varchar(64) not null",
    "milestone": "varchar(32) not null",
    "source": "varchar(16) not null",  # workflow | helpdesk
    "occurred_at": "timestamp not null",  # naive UTC
    # Typed copies of the data fields worth filtering on; null when the event has no such field.
    "agent": "varchar(256)",  # TicketAssigned, TicketResolved
    "team": "varchar(256)",  # TicketAssigned
    "priority": "varchar(16)",  # ResponseGenerated, TicketEscalated
    "sentiment": "varchar(16)",  # SentimentScored
    "rating": "integer",  # SatisfactionRated
    "data": "varchar(65535) not null",  # the contract-validated data, JSON with sorted keys
}
EVENT_COLUMNS: tuple[str, ...] = tuple(EVENT_TYPES)

EVENT_LINEAGE_TYPES: dict[str, str] = {
    "_content_hash": "varchar(32) not null",  # md5 of the canonical event: equal = same event
    "_source_key": "varchar(1024) not null",
    "_source_etag": "varchar(128) not null",
    "_line_number": "integer not null",
    "_partition_date": "date not null",  # the day of the file key, not of occurred_at
    "_loaded_at": "timestamp not null",
    "_run_id": "varchar(64)",
}
EVENT_STAGING_COLUMNS: tuple[str, ...] = EVENT_COLUMNS + tuple(EVENT_LINEAGE_TYPES)

# The ticket ledger's shape; the quarantine adds the event_id next to the ticket_id.
EVENT_LEDGER_TYPES: dict[str, str] = dict(LEDGER_TYPES)
EVENT_LEDGER_COLUMNS: tuple[str, ...] = tuple(EVENT_LEDGER_TYPES)


def _with_event_id(types: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for column, kind in types.items():
        if column == "ticket_id":
            out["event_id"] = "varchar(160)"
        out[column] = kind
    return out


EVENT_QUARANTINE_TYPES: dict[str, str] = _with_event_id(QUARANTINE_TYPES)
EVENT_QUARANTINE_COLUMNS: tuple[str, ...] = tuple(EVENT_QUARANTINE_TYPES)


TABLES = FeedTables(
    target=EVENTS_TABLE,
    ledger=EVENT_LEDGER_TABLE,
    quarantine=EVENT_QUARANTINE_TABLE,
    batch=EVENTS_BATCH,
    ledger_batch=EVENT_LEDGER_BATCH,
    quarantine_batch=EVENT_QUARANTINE_BATCH,
    target_types=EVENT_TYPES | EVENT_LINEAGE_TYPES,
    quarantine_types=EVENT_QUARANTINE_TYPES,
    scratch=(EVENTS_RANKED, EVENTS_REFERENCE),
)


def create_event_tables_sql(dialect: Dialect) -> list[str]:
    """Idempotent DDL: ``raw.ticket_events``, ``raw.event_ledger``, ``raw.event_quarantine``."""
    statements = feed_sql.create_tables_sql(TABLES, dialect)
    if dialect == "postgres":
        # Every merge looks its batch's event ids up in the table.
        statements.append(
            f"create index if not exists ticket_events_event_id on {EVENTS_TABLE} (event_id)"
        )
    return statements


def create_event_batch_tables_sql(dialect: Dialect) -> list[str]:
    """Empty temporary tables shaped like their targets (dropped first: a session reuses them)."""
    return feed_sql.batch_tables_sql(TABLES, dialect)


def event_merge_steps(dialect: Dialect) -> list[MergeStep]:
    """The statements of one event load transaction, after the batch tables are filled.

    Steps whose SQL starts with ``select`` are counts to read (``query``), the others report their
    row count under ``counts``. Order: lock, drop batch rows of files already in the ledger, rank
    the copies of each event_id in the batch (first by file key and line wins), fix each id's
    reference content (the stored row's, else the batch winner's), quarantine copies that differ
    from it, insert winners not yet stored, move the conflicts into the ledger counts, then
    record quarantine and ledger rows.
    """
    cols = ", ".join(EVENT_STAGING_COLUMNS)
    ranked_cols = ", ".join(f"r.{c}" for c in EVENT_STAGING_COLUMNS)
    q_cols = ", ".join(EVENT_QUARANTINE_COLUMNS)
    return [
        *feed_sql.ledger_recheck_steps(TABLES, dialect),
        MergeStep(f"select count(*) from {EVENTS_BATCH}", counts="batch_rows"),
        MergeStep(
            f"create temporary table {EVENTS_RANKED} as\n"
            f"select {cols}, row_number() over (\n"
            f"    partition by event_id order by _source_key, _line_number\n"
            f") as copy_rank\n"
            f"from {EVENTS_BATCH}"
        ),
        MergeStep(
            f"create temporary table {EVENTS_REFERENCE} as\n"
            f"select r.event_id, coalesce(s._content_hash, r._content_hash) as reference_hash,\n"
            f"    case when s.event_id is null then 0 else 1 end as is_stored\n"
            f"from {EVENTS_RANKED} as r\n"
            f"left join {EVENTS_TABLE} as s on s.event_id = r.event_id\n"
            f"where r.copy_rank = 1"
        ),
        MergeStep(
            f"insert into {EVENT_QUARANTINE_BATCH} ({q_cols})\n"
            f"select r._source_key, r._source_etag, r._line_number, r.event_id, r.ticket_id,\n"
            f"    '{DUPLICATE_CONFLICT}',\n"
            f"    left(r.event_name || ' at ' || cast(r.occurred_at as varchar(32)) || ' from '\n"
            f"        || r.source || ': ' || r.data, 2000),\n"
            f"    r._partition_date, r._loaded_at, r._run_id\n"
            f"from {EVENTS_RANKED} as r\n"
            f"join {EVENTS_REFERENCE} as f on f.event_id = r.event_id\n"
            f"where r._content_hash <> f.reference_hash",
            counts="duplicate_conflicts",
        ),
        MergeStep(
            f"select count(*) from {EVENTS_RANKED} as r\n"
            f"join {EVENTS_REFERENCE} as f on f.event_id = r.event_id\n"
            f"where f.is_stored = 1 and r._content_hash = f.reference_hash",
            counts="duplicates_skipped",
        ),
        MergeStep(
            f"insert into {EVENTS_TABLE} ({cols})\n"
            f"select {ranked_cols}\n"
            f"from {EVENTS_RANKED} as r\n"
            f"join {EVENTS_REFERENCE} as f on f.event_id = r.event_id\n"
            f"where r.copy_rank = 1 and f.is_stored = 0",
            counts="rows_inserted",
        ),
        MergeStep(
            f"update {EVENT_LEDGER_BATCH}\n"
            f"set rows_accepted = {EVENT_LEDGER_BATCH}.rows_accepted - c.conflicts,\n"
            f"    rows_quarantined = {EVENT_LEDGER_BATCH}.rows_quarantined + c.conflicts\n"
            f"from (\n"
            f"    select file_key, etag, count(*) as conflicts from {EVENT_QUARANTINE_BATCH}\n"
            f"    where reason = '{DUPLICATE_CONFLICT}' group by file_key, etag\n"
            f") as c\n"
            f"where {EVENT_LEDGER_BATCH}.file_key = c.file_key "
            f"and {EVENT_LEDGER_BATCH}.etag = c.etag"
        ),
        MergeStep(
            f"update {EVENT_LEDGER_BATCH} set status = case\n"
            f"    when rows_accepted = 0 then 'quarantined'\n"
            f"    when rows_quarantined > 0 then 'partial'\n"
            f"    else 'loaded' end\n"
            # a file re-listed with the bytes already loaded was ledgered 'unchanged' when read
            "where status <> 'unchanged'"
        ),
        *feed_sql.record_steps(TABLES),
    ]


def loaded_event_files_sql(partition_date_param: str) -> str:
    """Keys and etags the event ledger already holds for one partition."""
    return feed_sql.loaded_files_sql(partition_date_param, EVENT_LEDGER_TABLE)
