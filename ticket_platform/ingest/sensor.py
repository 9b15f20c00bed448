"""Landing sensors: request one load run per day that holds files the ledger has not loaded.

One builder serves every feed of the landing zone (``tickets/`` here, ``events/`` in
``events_sensor.py``): a feed names its prefix, the job to run and its ledger table.

A tick sends the warehouse at most one statement: the ledger's rows for the listed days that hold
files (none when no day does). It never creates a table: the loads do, and so does
``ticket-platform init`` before the daemon starts. On a warehouse where neither has run, the
missing ledger reads as "nothing loaded yet", so the first load is still requested.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import dagster as dg

from ticket_platform.ingest.landing_scan import (
    compare_with_ledger,
    days_to_scan,
    ledger_files_sql,
    list_days,
    loaded_by_day,
)
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.ingest.tickets import TICKETS_PREFIX
from ticket_platform.ingest.tickets_sql import LEDGER_TABLE
from ticket_platform.settings import Settings, get_settings
from ticket_platform.warehouse.duckdb_engine import is_lock_conflict
from ticket_platform.warehouse.errors import query_or_empty
from ticket_platform.warehouse.resource import WarehouseResource

LANDING_SENSOR = "landing_sensor"
LOAD_AND_JUDGE_JOB = "load_and_judge"  # defined with the other automation (automation/hot_path.py)
PARTITION_TAG = "ticket/ingest_partition"  # dagster.yaml limits runs to one per value
# A tick must finish well inside Dagster's 60 s sensor timeout; a load holding DuckDB's single
# writer lock for longer makes the tick skip, and the next tick finds the same files.
LOCK_WAIT_SECONDS = 15
IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def utc_today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class LandingFeed:
    """What a landing sensor watches and what it starts."""

    sensor_name: str
    prefix: str  # the top-level folder: tickets | events
    job_name: str
    partition_tag: str  # dagster.yaml limits runs to one per value of this tag
    ledger: str  # the load ledger table: (partition_date, file_key, etag) of every loaded file


TICKET_FEED = LandingFeed(
    sensor_name=LANDING_SENSOR,
    prefix=TICKETS_PREFIX,
    job_name=LOAD_AND_JUDGE_JOB,
    partition_tag=PARTITION_TAG,
    ledger=LEDGER_TABLE,
)


def days_being_loaded(instance: dg.DagsterInstance, feed: LandingFeed = TICKET_FEED) -> set[date]:
    """Days with a load run of the feed queued or in progress (from the runs' partition tag)."""
    runs = instance.get_runs(
        filters=dg.RunsFilter(job_name=feed.job_name, statuses=IN_FLIGHT), limit=500
    )
    tag = feed.partition_tag
    return {date.fromisoformat(run.tags[tag]) for run in runs if tag in run.tags}


def build_landing_sensor(
    settings: Settings,
    today: Callable[[], date] = utc_today,
    feed: LandingFeed = TICKET_FEED,
) -> dg.SensorDefinition:
    lookback = settings.automation.lookback_days
    first_day = date.fromisoformat(settings.partitions_start)

    @dg.sensor(
        name=feed.sensor_name,
        job_name=feed.job_name,
        minimum_interval_seconds=settings.automation.hot_path_interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            f"Lists the landing zone's {feed.prefix}/ day prefixes that can receive files (today, "
            f"yesterday and {lookback} more day(s), TICKET_SENSOR_LOOKBACK_DAYS) and requests "
            f"one {feed.job_name} run per day holding files the load ledger has not seen. "
            "Newness comes from the ledger, so late, out-of-order and rewritten files are found; "
            "the run key is a digest of the pending files, so repeated ticks never queue a "
            "duplicate run."
        ),
    )
    def landing_sensor(
        context: dg.SensorEvaluationContext,
        landing: LandingResource,
        warehouse: WarehouseResource,
    ) -> dg.SensorResult | dg.SkipReason:
        days = [day for day in days_to_scan(today(), lookback) if day >= first_day]
        store = landing.get_landing()
        listings = list_days(store, days, workers=settings.read_workers, prefix=feed.prefix)
        if not any(listings.values()):
            return dg.SkipReason(
                f"no files under {store.uri}/{feed.prefix} for {days[0]}..{days[-1]}"
            )
        days_with_files = [day for day, listed in listings.items() if listed]
        try:
            with warehouse.session(lock_wait_seconds=LOCK_WAIT_SECONDS) as session:
                statement = ledger_files_sql(feed.ledger, session.param, len(days_with_files))
                loaded = loaded_by_day(query_or_empty(session, statement, days_with_files))
        except Exception as error:
            if is_lock_conflict(error):
                return dg.SkipReason(
                    f"the warehouse is locked by a running load; the next tick retries ({error})"
                )
            raise
        scans = compare_with_ledger(listings, lambda day: loaded.get(day, set()))

        busy = days_being_loaded(context.instance, feed)
        requests = []
        for scan in scans:
            context.log.info(
                f"{scan.day}: {scan.files_listed:,} files, {len(scan.pending):,} not yet loaded"
                + (" (a load of this day is queued or running)" if scan.day in busy else "")
            )
            # A running load shrinks the pending set as it commits; asking again would only
            # queue a run with nothing left to do. Files that land meanwhile: the next tick.
            if scan.pending and scan.day not in busy:
                requests.append(
                    dg.RunRequest(
                        run_key=scan.run_key,
                        partition_key=scan.day.isoformat(),
                        tags={
                            feed.partition_tag: scan.day.isoformat(),
                            "ticket/pending_files": str(len(scan.pending)),
                        },
                    )
                )
        if not requests:
            return dg.SkipReason(
                f"every file under {store.uri}/{feed.prefix} for {days[0]}..{days[-1]} is "
                "already loaded or being loaded"
            )
        return dg.SensorResult(run_requests=requests)

    return landing_sensor


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(sensors=[build_landing_sensor(get_settings())])
