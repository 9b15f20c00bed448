"""Ingest: landed ticket files → ``raw.tickets`` (with ledger and quarantine), one day at a time."""

from datetime import date

import dagster as dg

from ticket_platform.automation.pools import TRANSIENT_RETRY, ingest_pool
from ticket_platform.ingest.daily_load import load_days, quarantine_check
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.ingest.tickets import (
    LoadReport,
    load_partition,
    partition_quality,
    staged_row_count,
)
from ticket_platform.partitions import daily_ticket_partitions
from ticket_platform.settings import Settings, get_settings
from ticket_platform.warehouse.resource import WarehouseResource

RAW_TICKETS = dg.AssetKey(["raw", "tickets"])
QUARANTINE_CHECK = "quarantine_rate_within_limit"


def build_raw_tickets_asset(settings: Settings) -> dg.AssetsDefinition:
    max_rate = settings.max_quarantine_rate

    @dg.asset(
        key=RAW_TICKETS,
        partitions_def=daily_ticket_partitions(settings),
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=ingest_pool(settings),
        retry_policy=TRANSIENT_RETRY,
        group_name="ingest",
        kinds={"python", "duckdb" if settings.is_local else "redshift"},
        owners=["team:data-platform"],
        tags={"layer": "staging"},
        description=(
            "Processed support tickets loaded from the landing zone "
            "(`tickets/YYYY/MM/DD/ticket_<id>.json`), one row per ticket_id, latest "
            "`processed_at` wins. Every file is recorded once in `raw.ingest_ledger`; invalid "
            "files and records go to `raw.ticket_quarantine` with their reason."
        ),
        check_specs=[
            dg.AssetCheckSpec(
                QUARANTINE_CHECK,
                asset=RAW_TICKETS,
                description=(
                    f"Share of quarantined records per partition stays at or below {max_rate:.0%} "
                    "(TICKET_MAX_QUARANTINE_RATE)."
                ),
            )
        ],
    )
    def raw_tickets(
        context: dg.AssetExecutionContext,
        landing: LandingResource,
        warehouse: WarehouseResource,
    ) -> dg.MaterializeResult:
        store = landing.get_landing()
        total = LoadReport(partition=",".join(context.partition_keys))
        with warehouse.session() as session:
            over_limit = load_days(
                context,
                session,
                total,
                lambda session, day, progress: load_partition(
                    store,
                    session,
                    day,
                    run_id=context.run.run_id,
                    read_workers=settings.read_workers,
                    on_progress=progress,
                ),
                lambda r: (
                    f"{r.files_seen:,} files seen, {r.rows_inserted:,} rows loaded, "
                    f"{r.rows_quarantined:,} quarantined, {r.files_already_loaded:,} files "
                    "already loaded"
                ),
                partition_quality,
                max_rate,
            )
            days = sorted(date.fromisoformat(k) for k in context.partition_keys)
            row_count = staged_row_count(session, days[0], days[-1])

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
                "rows_loaded": total.rows_inserted,
                "rows_quarantined": total.rows_quarantined,
                "duplicates_in_batch": total.duplicates_in_batch,
                "duplicates_replaced": total.duplicates_replaced,
                "stale_versions_skipped": total.stale_versions_skipped,
                "bytes_read": total.bytes_read,
                "dagster/row_count": row_count,
            },
            check_results=[
                quarantine_check(QUARANTINE_CHECK, over_limit, max_rate, "raw.ticket_quarantine")
            ],
        )

    return raw_tickets


INGEST_JOB = "ingest_tickets"


@dg.definitions
def defs() -> dg.Definitions:
    raw_tickets = build_raw_tickets_asset(get_settings())
    ingest_job = dg.define_asset_job(
        INGEST_JOB,
        # The asset and its own checks only: dbt's source tests on raw/tickets run with dbt.
        selection=dg.AssetSelection.assets(raw_tickets).without_checks()
        | dg.AssetSelection.checks(*raw_tickets.check_keys),
        description="Load landed ticket files into raw.tickets for the selected days.",
    )
    return dg.Definitions(assets=[raw_tickets], jobs=[ingest_job])
