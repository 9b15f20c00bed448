"""Lifecycle: landed stream events → ``raw.ticket_events`` (with ledger and quarantine), by day."""

from datetime import date

import dagster as dg

from ticket_platform.automation.pools import TRANSIENT_RETRY, ingest_pool
from ticket_platform.ingest.daily_load import load_days, quarantine_check
from ticket_platform.ingest.events import (
    EventLoadReport,
    event_partition_quality,
    load_event_partition,
    quarantine_reasons,
    staged_event_count,
)
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.partitions import daily_ticket_partitions
from ticket_platform.settings import Settings, get_settings
from ticket_platform.warehouse.resource import WarehouseResource

RAW_TICKET_EVENTS = dg.AssetKey(["raw", "ticket_events"])
EVENT_QUARANTINE_CHECK = "event_quarantine_rate_within_limit"
INGEST_EVENTS_JOB = "ingest_events"


def build_raw_ticket_events_asset(settings: Settings) -> dg.AssetsDefinition:
    max_rate = settings.max_quarantine_rate

    @dg.asset(
        key=RAW_TICKET_EVENTS,
        partitions_def=daily_ticket_partitions(settings),
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=ingest_pool(settings),
        retry_policy=TRANSIENT_RETRY,
        group_name="lifecycle",
        kinds={"python", "duckdb" if settings.is_local else "redshift"},
        owners=["team:data-platform"],
        tags={"layer": "staging"},
        description=(
            "Every record of the ticket stream as Firehose delivered it to the landing zone "
            "(`events/YYYY/MM/DD/*.jsonl.gz`): workflow milestones, help-desk events and "
            "submissions, one row per `event_id`. Events are immutable: a copy of a stored "
            "event is skipped, a different payload under a stored id is quarantined. Every file "
            "is recorded once in `raw.event_ledger`; unreadable files and invalid records go to "
            "`raw.event_quarantine` with their reason. Partitioned by the day of the file key "
            "(arrival), not of `occurred_at`."
        ),
        check_specs=[
            dg.AssetCheckSpec(
                EVENT_QUARANTINE_CHECK,
                asset=RAW_TICKET_EVENTS,
                description=(
                    f"Share of quarantined event records per partition stays at or below "
                    f"{max_rate:.0%} (TICKET_MAX_QUARANTINE_RATE)."
                ),
            )
        ],
    )
    def raw_ticket_events(
        context: dg.AssetExecutionContext,
        landing: LandingResource,
        warehouse: WarehouseResource,
    ) -> dg.MaterializeResult:
        store = landing.get_landing()
        total = EventLoadReport(partition=",".join(context.partition_keys))
        with warehouse.session() as session:
            over_limit = load_days(
                context,
                session,
                total,
                lambda session, day, progress: load_event_partition(
                    store,
                    session,
                    day,
                    run_id=context.run.run_id,
                    read_workers=settings.read_workers,
                    on_progress=progress,
                ),
                lambda r: (
                    f"{r.files_seen:,} files seen, {r.events_inserted:,} events loaded, "
                    f"{r.events_quarantined:,} quarantined, "
                    f"{r.duplicates_skipped + r.duplicates_in_batch:,} duplicates skipped, "
                    f"{r.files_already_loaded:,} files already loaded"
                ),
                event_partition_quality,
                max_rate,
                what="event files",
            )
            # Over every load of the day, like the check: the reasons behind its rate.
            reasons = {
                key: found
                for key in context.partition_keys
                if (found := quarantine_reasons(session, date.fromisoformat(key)))
            }
            days = sorted(date.fromisoformat(k) for k in context.partition_keys)
            row_count = staged_event_count(session, days[0], days[-1])

        return dg.MaterializeResult(
            metadata={
                "landing_uri": store.uri,
                "partitions": dg.MetadataValue.int(len(context.partition_keys)),
                "files_seen": total.files_seen,
                "files_already_loaded": total.files_already_loaded,
                "files_loaded": total.files_loaded,
                "files_partially_quarantined": total.files_partially_quarantined,
                "files_quarantined": total.files_quarantined,
                "files_unchanged": total.files_unchanged,
                "files_unreadable": total.files_unreadable,
                "records_read": total.records_read,
                "events_loaded": total.events_inserted,
                "events_quarantined": total.events_quarantined,
                "duplicates_skipped": total.duplicates_skipped + total.duplicates_in_batch,
                "duplicate_conflicts": total.duplicate_conflicts,
                "quarantine_reasons": dg.MetadataValue.json(reasons),
                "bytes_read": total.bytes_read,
                "dagster/row_count": row_count,
            },
            check_results=[
                quarantine_check(
                    EVENT_QUARANTINE_CHECK, over_limit, max_rate, "raw.event_quarantine"
                )
            ],
        )

    return raw_ticket_events


@dg.definitions
def defs() -> dg.Definitions:
    raw_ticket_events = build_raw_ticket_events_asset(get_settings())
    ingest_events_job = dg.define_asset_job(
        INGEST_EVENTS_JOB,
        selection=dg.AssetSelection.assets(raw_ticket_events).without_checks()
        | dg.AssetSelection.checks(*raw_ticket_events.check_keys),
        description="Load landed lifecycle event files into raw.ticket_events for the chosen days.",
    )
    return dg.Definitions(assets=[raw_ticket_events], jobs=[ingest_events_job])
