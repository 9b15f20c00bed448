"""The tickets feed: landed ticket files → ``raw.tickets``, once per file version.

``tickets/YYYY/MM/DD/`` holds one processed ticket per file (the real-time path's S3 writer) or
many (a JSON array or JSON lines: the seed system's unload); ``parsing.parse_ticket_file`` checks
each against the ticket contract. The load is the generic feed loader's (``feed.py``: ledger,
quarantine, bounded batches, one transaction per chunk); what is the tickets' own is the merge
(``tickets_sql.merge_steps``: one row per ``ticket_id``, the latest ``processed_at`` wins) and
the counts of its report.
"""

from __future__ import annotations

from dataclasses import dataclass

from ticket_platform.ingest import tickets_sql as sql
from ticket_platform.ingest.feed import Feed, FeedReport, SummedCounts
from ticket_platform.ingest.layout import (
    TICKETS_PREFIX,
    discover_days,
    discover_partitions,
    partition_of_key,
    partition_prefix,
)
from ticket_platform.ingest.parsing import parse_ticket_file

# Importable from here as before the feed loader was shared.
__all__ = [
    "TICKETS_PREFIX",
    "SummedCounts",
    "discover_days",
    "discover_partitions",
    "partition_of_key",
    "partition_prefix",
]


@dataclass
class LoadReport(FeedReport):
    """A ticket load's counts: the feed's, and what the latest-version merge did."""

    rows_inserted: int = 0
    rows_quarantined: int = 0
    duplicates_replaced: int = 0
    stale_versions_skipped: int = 0


def _tally(counts: dict[str, int], total: LoadReport) -> None:
    total.records_read += counts["batch_rows"] + counts["rows_quarantined"]
    total.rows_inserted += counts["rows_inserted"]
    total.rows_quarantined += counts["rows_quarantined"]
    total.duplicates_replaced += counts["duplicates_replaced"]
    total.stale_versions_skipped += counts["stale_versions_skipped"]
    total.duplicates_in_batch += (
        counts["batch_rows"] - counts["rows_inserted"] - counts["stale_versions_skipped"]
    )


TICKETS: Feed[LoadReport] = Feed(
    prefix=TICKETS_PREFIX,
    records="rows",
    parse=parse_ticket_file,
    tables=sql.TABLES,
    create_tables_sql=sql.create_tables_sql,
    merge_steps=sql.merge_steps,
    report=LoadReport,
    tally=_tally,
    chunk_files=20_000,
    bulk=True,
)


# The tickets' load, as the assets, sensors and tests call it.
load_partition = TICKETS.load_partition
load_partitions = TICKETS.load_partitions
ensure_tables = TICKETS.ensure_tables
apply_batch = TICKETS.apply_batch
partition_quality = TICKETS.partition_quality
staged_row_count = TICKETS.staged_count
