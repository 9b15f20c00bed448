"""The landing sensor: request one ingest run per day that holds files the ledger has not loaded."""

from collections.abc import Callable
from datetime import UTC, date, datetime

import dagster as dg

from ticket_platform.defs.ingest.assets import INGEST_JOB
from ticket_platform.defs.ingest.resources import LandingResource, WarehouseResource
from ticket_platform.lib import warehouse_sql as sql
from ticket_platform.lib.ingest import ensure_tables
from ticket_platform.lib.landing_scan import compare_with_ledger, days_to_scan, list_days
from ticket_platform.lib.warehouse import is_lock_conflict
from ticket_platform.settings import Settings, get_settings

LANDING_SENSOR = "landing_sensor"
PARTITION_TAG = "ticket/ingest_partition"  # dagster.yaml limits runs to one per value
# A tick must finish well inside Dagster's 60 s sensor timeout; a load holding DuckDB's single
# writer lock for longer makes the tick skip, and the next tick finds the same files.
LOCK_WAIT_SECONDS = 15


def utc_today() -> date:
    return datetime.now(UTC).date()


def build_landing_sensor(
    settings: Settings, today: Callable[[], date] = utc_today
) -> dg.SensorDefinition:
    lookback = settings.automation.lookback_days
    first_day = date.fromisoformat(settings.partitions_start)

    @dg.sensor(
        name=LANDING_SENSOR,
        job_name=INGEST_JOB,
        minimum_interval_seconds=settings.automation.sensor_interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            "Lists the landing zone's day prefixes that can receive files (today, yesterday and "
            f"{lookback} more day(s), TICKET_SENSOR_LOOKBACK_DAYS) and requests one ingest run "
            "per day holding files the load ledger has not seen. Newness comes from the ledger, "
            "so late, out-of-order and rewritten files are found; the run key is a digest of "
            "the pending files, so repeated ticks never queue a duplicate run."
        ),
    )
    def landing_sensor(
        context: dg.SensorEvaluationContext,
        landing: LandingResource,
        warehouse: WarehouseResource,
    ) -> dg.SensorResult | dg.SkipReason:
        days = [day for day in days_to_scan(today(), lookback) if day >= first_day]
        store = landing.get_landing()
        listings = list_days(store, days, workers=settings.read_workers)
        if not any(listings.values()):
            return dg.SkipReason(f"no files under {store.uri} for {days[0]}..{days[-1]}")
        try:
            with warehouse.session(lock_wait_seconds=LOCK_WAIT_SECONDS) as session:
                ensure_tables(session)

                def loaded(day: date) -> set[tuple[str, str]]:
                    return set(session.query(sql.loaded_files_sql(session.param), (day,)))

                scans = compare_with_ledger(listings, loaded)
        except Exception as error:
            if is_lock_conflict(error):
                return dg.SkipReason(
                    f"the warehouse is locked by a running load; the next tick retries ({error})"
                )
            raise

        requests = []
        for scan in scans:
            context.log.info(
                f"{scan.day}: {scan.files_listed:,} files, {len(scan.pending):,} not yet loaded"
            )
            if scan.pending:
                requests.append(
                    dg.RunRequest(
                        run_key=scan.run_key,
                        partition_key=scan.day.isoformat(),
                        tags={
                            PARTITION_TAG: scan.day.isoformat(),
                            "ticket/pending_files": str(len(scan.pending)),
                        },
                    )
                )
        if not requests:
            return dg.SkipReason(
                f"every file under {store.uri} for {days[0]}..{days[-1]} is already loaded"
            )
        return dg.SensorResult(run_requests=requests)

    return landing_sensor


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(sensors=[build_landing_sensor(get_settings())])
