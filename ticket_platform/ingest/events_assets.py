"""Lifecycle: landed stream events → ``raw.ticket_events`` (with ledger and quarantine), by day."""

from datetime import date

import dagster as dg

from ticket_platform.ingest.daily_load import RawFeedAsset, build_raw_asset, raw_asset_definitions
from ticket_platform.ingest.events import (
    EventLoadReport,
    event_partition_quality,
    load_event_partitions,
    quarantine_reasons,
    staged_event_count,
)
from ticket_platform.settings import Settings, get_settings
from ticket_platform.warehouse.session import WarehouseSession

RAW_TICKET_EVENTS = dg.AssetKey(["raw", "ticket_events"])
EVENT_QUARANTINE_CHECK = "event_quarantine_rate_within_limit"
INGEST_EVENTS_JOB = "ingest_events"


def _event_metadata(
    total: EventLoadReport, session: WarehouseSession, partition_keys: list[str]
) -> dict:
    # Over every load of the day, like the check: the reasons behind its rate.
    reasons = {
        key: found
        for key in partition_keys
        if (found := quarantine_reasons(session, date.fromisoformat(key)))
    }
    return {
        "records_read": total.records_read,
        "events_loaded": total.events_inserted,
        "events_quarantined": total.events_quarantined,
        "duplicates_skipped": total.duplicates_skipped + total.duplicates_in_batch,
        "duplicate_conflicts": total.duplicate_conflicts,
        "quarantine_reasons": dg.MetadataValue.json(reasons),
    }


EVENTS_ASSET = RawFeedAsset(
    key=RAW_TICKET_EVENTS,
    group="lifecycle",
    description=(
        "Every record of the ticket stream as Firehose delivered it to the landing zone "
        "(`events/YYYY/MM/DD/*.jsonl.gz`): workflow milestones, help-desk events and "
        "submissions, one row per `event_id`. Events are immutable: a copy of a stored "
        "event is skipped, a different payload under a stored id is quarantined. Every file "
        "is recorded once in `raw.event_ledger`; unreadable files and invalid records go to "
        "`raw.event_quarantine` with their reason. Partitioned by the day of the file key "
        "(arrival), not of `occurred_at`."
    ),
    check_name=EVENT_QUARANTINE_CHECK,
    check_description=(
        "Share of quarantined event records per partition stays at or below "
        "{max_rate:.0%} (TICKET_MAX_QUARANTINE_RATE)."
    ),
    quarantine_table="raw.event_quarantine",
    job_name=INGEST_EVENTS_JOB,
    job_description="Load landed lifecycle event files into raw.ticket_events for the chosen days.",
    report=lambda partition: EventLoadReport(partition=partition),
    load=load_event_partitions,
    quality=event_partition_quality,
    row_count=staged_event_count,
    describe=lambda r: (
        f"{r.files_seen:,} files seen, {r.events_inserted:,} events loaded, "
        f"{r.events_quarantined:,} quarantined, "
        f"{r.duplicates_skipped + r.duplicates_in_batch:,} duplicates skipped, "
        f"{r.files_already_loaded:,} files already loaded"
    ),
    metadata=_event_metadata,
    what="event files",
)


def build_raw_ticket_events_asset(settings: Settings) -> dg.AssetsDefinition:
    return build_raw_asset(EVENTS_ASSET, settings)


@dg.definitions
def defs() -> dg.Definitions:
    return raw_asset_definitions(EVENTS_ASSET, get_settings())
