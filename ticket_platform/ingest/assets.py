"""Ingest: landed ticket files → ``raw.tickets`` (with ledger and quarantine), one day at a time."""

import dagster as dg

from ticket_platform.ingest.daily_load import RawFeedAsset, build_raw_asset, raw_asset_definitions
from ticket_platform.ingest.tickets import (
    LoadReport,
    load_partitions,
    partition_quality,
    staged_row_count,
)
from ticket_platform.settings import Settings, get_settings

RAW_TICKETS = dg.AssetKey(["raw", "tickets"])
QUARANTINE_CHECK = "quarantine_rate_within_limit"
INGEST_JOB = "ingest_tickets"

TICKETS_ASSET = RawFeedAsset(
    key=RAW_TICKETS,
    group="ingest",
    description=(
        "Processed support tickets loaded from the landing zone "
        "(`tickets/YYYY/MM/DD/ticket_<id>.json`), one row per ticket_id, latest "
        "`processed_at` wins. Every file is recorded once in `raw.ingest_ledger`; invalid "
        "files and records go to `raw.ticket_quarantine` with their reason."
    ),
    check_name=QUARANTINE_CHECK,
    check_description=(
        "Share of quarantined records per partition stays at or below {max_rate:.0%} "
        "(TICKET_MAX_QUARANTINE_RATE)."
    ),
    quarantine_table="raw.ticket_quarantine",
    job_name=INGEST_JOB,
    job_description="Load landed ticket files into raw.tickets for the selected days.",
    report=lambda partition: LoadReport(partition=partition),
    load=load_partitions,
    quality=partition_quality,
    row_count=staged_row_count,
    describe=lambda r: (
        f"{r.files_seen:,} files seen, {r.rows_inserted:,} rows loaded, "
        f"{r.rows_quarantined:,} quarantined, {r.files_already_loaded:,} files already loaded"
    ),
    metadata=lambda total, session, partition_keys: {
        "rows_loaded": total.rows_inserted,
        "rows_quarantined": total.rows_quarantined,
        "duplicates_in_batch": total.duplicates_in_batch,
        "duplicates_replaced": total.duplicates_replaced,
        "stale_versions_skipped": total.stale_versions_skipped,
    },
)


def build_raw_tickets_asset(settings: Settings) -> dg.AssetsDefinition:
    return build_raw_asset(TICKETS_ASSET, settings)


@dg.definitions
def defs() -> dg.Definitions:
    return raw_asset_definitions(TICKETS_ASSET, get_settings())
