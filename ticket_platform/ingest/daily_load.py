"""The raw load assets (``raw/tickets``, ``raw/ticket_events``): one builder for every feed of the
landing zone. It loads the run's partition days together (one report), logs it and grades each
day's quarantine rate; each feed (``assets.py``, ``events_assets.py``) brings its loader and wording.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import dagster as dg

from ticket_platform.ingest.feed import FeedReport, days_label
from ticket_platform.ingest.landing import Landing
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.partitions import daily_ticket_partitions
from ticket_platform.pools import TRANSIENT_RETRY, ingest_pool
from ticket_platform.settings import Settings
from ticket_platform.warehouse.resource import WarehouseResource
from ticket_platform.warehouse.session import WarehouseSession

Progress = Callable[[int, int], None]
# loader(store, session, days, run_id=, read_workers=, parse_processes=, on_progress=)
# -> the feed's report
Loader = Callable[..., Any]
# quality(session, day) -> (records, quarantined, files) over every load of the day
Quality = Callable[[WarehouseSession, date], tuple[int, int, int]]


@dataclass(frozen=True)
class RawFeedAsset:
    """What differs between the raw load assets; ``build_raw_asset`` does the rest."""

    key: dg.AssetKey
    group: str
    description: str
    check_name: str
    check_description: str  # with a {max_rate} placeholder
    quarantine_table: str
    job_name: str
    job_description: str
    report: Callable[[str], FeedReport]  # an empty report for the run's partitions
    load: Loader
    quality: Quality
    row_count: Callable[[WarehouseSession, date, date], int]
    describe: Callable[[Any], str]  # a load's report in a log line
    # the feed's own metadata, between the file counts and bytes_read
    metadata: Callable[[Any, WarehouseSession, list[str]], dict[str, Any]]
    what: str = "files"


def build_raw_asset(feed: RawFeedAsset, settings: Settings) -> dg.AssetsDefinition:
    max_rate = settings.max_quarantine_rate

    @dg.asset(
        key=feed.key,
        partitions_def=daily_ticket_partitions(settings),
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=ingest_pool(settings),
        retry_policy=TRANSIENT_RETRY,
        group_name=feed.group,
        kinds={"python", "duckdb" if settings.is_local else "redshift"},
        owners=["team:data-platform"],
        tags={"layer": "staging"},
        description=feed.description,
        check_specs=[
            dg.AssetCheckSpec(
                feed.check_name,
                asset=feed.key,
                description=feed.check_description.format(max_rate=max_rate),
            )
        ],
    )
    def raw_feed(
        context: dg.AssetExecutionContext,
        landing: LandingResource,
        warehouse: WarehouseResource,
    ) -> dg.MaterializeResult:
        store = landing.get_landing()
        total = feed.report(",".join(context.partition_keys))
        with warehouse.session() as session:
            over_limit = _load_days(context, feed, store, session, total, settings, max_rate)
            days = sorted(date.fromisoformat(k) for k in context.partition_keys)
            own = feed.metadata(total, session, list(context.partition_keys))
            row_count = feed.row_count(session, days[0], days[-1])

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
                **own,
                "bytes_read": total.bytes_read,
                "dagster/row_count": row_count,
            },
            check_results=[
                quarantine_check(feed.check_name, over_limit, max_rate, feed.quarantine_table)
            ],
        )

    return raw_feed


def raw_asset_definitions(feed: RawFeedAsset, settings: Settings) -> dg.Definitions:
    """The asset and its job: the asset and its own checks only (dbt's source tests on the raw
    table run with dbt)."""
    asset = build_raw_asset(feed, settings)
    job = dg.define_asset_job(
        feed.job_name,
        selection=dg.AssetSelection.assets(asset).without_checks()
        | dg.AssetSelection.checks(*asset.check_keys),
        description=feed.job_description,
    )
    return dg.Definitions(assets=[asset], jobs=[job])


def _load_days(
    context: dg.AssetExecutionContext,
    feed: RawFeedAsset,
    store: Landing,
    session: WarehouseSession,
    total: FeedReport,
    settings: Settings,
    max_rate: float,
) -> dict[str, float]:
    """Load the run's partition days into ``total`` (transactions gather files across days, so
    a backfill of many small days is a few transactions); returns the days whose quarantined
    share, over every load of that day, exceeds ``max_rate``."""
    days = sorted(date.fromisoformat(key) for key in context.partition_keys)
    label = days_label(days)

    def progress(done: int, pending: int) -> None:
        context.log.info(f"{label}: {done:,} of {pending:,} new {feed.what} found so far processed")

    report = feed.load(
        store,
        session,
        days,
        run_id=context.run.run_id,
        read_workers=settings.read_workers,
        parse_processes=settings.parse_processes,
        on_progress=progress,
    )
    context.log.info(f"{label}: {feed.describe(report)}")
    for message in report.errors:
        context.log.warning(f"{label}: {message}")
    total.add(report)
    over_limit: dict[str, float] = {}
    for day in days:
        records, quarantined, _ = feed.quality(session, day)
        if records and quarantined / records > max_rate:
            over_limit[day.isoformat()] = round(quarantined / records, 4)
    return over_limit


def quarantine_check(
    check_name: str, over_limit: dict[str, float], max_rate: float, table: str
) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name=check_name,
        passed=not over_limit,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "max_quarantine_rate": max_rate,
            "partitions_over_limit": dg.MetadataValue.json(over_limit),
        },
        description=(
            f"{len(over_limit)} partition(s) above {max_rate:.0%} quarantined; see {table} for "
            "reasons"
            if over_limit
            else None
        ),
    )
