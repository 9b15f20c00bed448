"""Routing feedback: analysts' corrections from ``feedback/`` files, and the sensor that loads
them and asks for a retrain once enough have arrived."""

from datetime import datetime

import dagster as dg

from ticket_platform.ingest.landing_scan import files_digest
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.ingest.sensor import IN_FLIGHT, LOCK_WAIT_SECONDS
from ticket_platform.pools import TRANSIENT_RETRY, writer_pool
from ticket_platform.routing import store
from ticket_platform.routing.artifacts import ModelStore
from ticket_platform.routing.assets import RETRAIN_JOB, ROUTING_FEEDBACK, retrain_job
from ticket_platform.routing.feedback import (
    FEEDBACK_PREFIX,
    feedback_summary,
    load_feedback,
    pending_feedback_files,
    quarantine_reasons,
)
from ticket_platform.routing.sql import (
    FEEDBACK_LEDGER_TABLE,
    FEEDBACK_QUARANTINE_TABLE,
    FEEDBACK_TABLE,
)
from ticket_platform.routing.teams import known_teams
from ticket_platform.settings import Settings, get_settings
from ticket_platform.warehouse.duckdb_engine import is_lock_conflict
from ticket_platform.warehouse.errors import query_or_empty
from ticket_platform.warehouse.resource import WarehouseResource
from ticket_platform.warehouse.session import WarehouseSession

FEEDBACK_QUARANTINE_CHECK = "feedback_quarantine_rate_within_limit"
FEEDBACK_JOB = "load_routing_feedback"
FEEDBACK_SENSOR = "routing_feedback_sensor"
WEEKLY_RETRAIN_CRON = "0 5 * * 1"  # Mondays 05:00 UTC; unchanged data reuses the current model


def build_feedback_asset(settings: Settings) -> dg.AssetsDefinition:
    max_rate = settings.max_quarantine_rate

    @dg.asset(
        key=ROUTING_FEEDBACK,
        pool=writer_pool(settings),
        retry_policy=TRANSIENT_RETRY,
        group_name="routing",
        kinds={"python", "duckdb" if settings.is_local else "redshift"},
        owners=["team:data-platform"],
        tags={"layer": "staging"},
        description=(
            "Analysts' corrections of tickets' owning team (ticket_id, correct_team, "
            "corrected_by, corrected_at) from CSV, JSON or JSON-lines files under `feedback/` "
            "in the landing zone, in `routing.feedback`. Every file version is loaded once and "
            "recorded in `routing.feedback_ledger`; rows that fail the correction contract or "
            "name an unknown team go to `routing.feedback_quarantine` with their reason. A "
            "ticket's latest correction overrides its product's team when the router trains."
        ),
        check_specs=[
            dg.AssetCheckSpec(
                FEEDBACK_QUARANTINE_CHECK,
                asset=ROUTING_FEEDBACK,
                description=(
                    f"At most {max_rate:.0%} of the rows of a load are quarantined "
                    "(TICKET_MAX_QUARANTINE_RATE)."
                ),
            )
        ],
    )
    def routing_feedback(
        context: dg.AssetExecutionContext, landing: LandingResource, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        lake = landing.get_landing()
        with warehouse.session() as session:
            store.ensure_routing_tables(session)
            report = load_feedback(
                lake, session, known_teams(), run_id=context.run.run_id, read_workers=4
            )
            stored, newest = feedback_summary(session)
            reasons = quarantine_reasons(session)
        context.log.info(
            f"{report.files_seen:,} feedback files, {report.files_already_loaded:,} already "
            f"loaded; {report.rows_loaded:,} corrections loaded, {report.rows_quarantined:,} "
            f"rows quarantined"
        )
        rate = report.quarantine_rate
        return dg.MaterializeResult(
            metadata={
                "landing_uri": f"{lake.uri}/{FEEDBACK_PREFIX}",
                "files_seen": report.files_seen,
                "files_already_loaded": report.files_already_loaded,
                "files_loaded": report.files_loaded,
                "files_quarantined": report.files_quarantined,
                "corrections_loaded": report.rows_loaded,
                "rows_quarantined": report.rows_quarantined,
                "duplicates_in_load": report.duplicates_in_load,
                "corrections_stored": stored,
                "newest_correction_loaded_at": str(newest) if newest else "none",
                "quarantine_reasons": dg.MetadataValue.json(reasons),
                "dagster/row_count": stored,
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name=FEEDBACK_QUARANTINE_CHECK,
                    passed=rate <= max_rate,
                    severity=dg.AssetCheckSeverity.WARN,
                    metadata={"quarantine_rate": rate, "max_quarantine_rate": max_rate},
                    description=(
                        f"{rate:.0%} of this load's rows quarantined; see "
                        f"{FEEDBACK_QUARANTINE_TABLE} for reasons"
                        if rate > max_rate
                        else None
                    ),
                )
            ],
        )

    return routing_feedback


def feedback_state_sql(param: str, since: datetime | None) -> str:
    """One read for the feedback sensor's tick: the ledger's (key, etag) rows, then one row
    (null key) with the corrections loaded after ``since`` (every one when None, no parameter)
    and the load time of the newest. The nulls are typed so every engine unites the branches
    alike."""
    counted = (
        "count(*)"
        if since is None
        else f"coalesce(sum(case when _loaded_at > {param} then 1 else 0 end), 0)"
    )
    return (
        "select file_key, etag, cast(null as bigint) as corrections, "
        f"cast(null as timestamp) as newest from {FEEDBACK_LEDGER_TABLE}\n"
        "union all\n"
        "select cast(null as varchar(1024)), cast(null as varchar(128)), "
        f"cast({counted} as bigint), max(_loaded_at) from {FEEDBACK_TABLE}"
    )


def feedback_state(
    session: WarehouseSession, since: datetime | None
) -> tuple[set[tuple[str, str]], int, datetime | None]:
    """(loaded (key, etag) pairs, corrections since ``since``, newest load time) in one query;
    nothing loaded when the routing tables do not exist yet (the tick never creates them)."""
    params = [] if since is None else [since]
    loaded: set[tuple[str, str]] = set()
    corrections, newest = 0, None
    for key, etag, count, latest in query_or_empty(
        session, feedback_state_sql(session.param, since), params
    ):
        if key is None:
            corrections, newest = int(count or 0), latest
        else:
            loaded.add((key, etag))
    return loaded, corrections, newest


def build_feedback_sensor(settings: Settings, jobs: list) -> dg.SensorDefinition:
    threshold = settings.routing.retrain_after

    @dg.sensor(
        name=FEEDBACK_SENSOR,
        jobs=jobs,
        minimum_interval_seconds=settings.automation.sensor_interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            f"Lists `feedback/` in the landing zone and requests a {FEEDBACK_JOB} run for files "
            "the feedback ledger has not loaded; once at least "
            f"{threshold} corrections (TICKET_ROUTING_RETRAIN_AFTER) were loaded after the "
            f"promoted model learned, requests a {RETRAIN_JOB} run. Run keys are digests of "
            "what is pending, so repeated ticks never queue a duplicate."
        ),
    )
    def routing_feedback_sensor(
        context: dg.SensorEvaluationContext, landing: LandingResource, warehouse: WarehouseResource
    ) -> dg.SensorResult | dg.SkipReason:
        lake = landing.get_landing()
        models = ModelStore(lake)
        version = models.current_version()
        since_text = models.card(version).feedback_through if version else None
        since = datetime.fromisoformat(since_text) if since_text else None
        try:
            # One read, no DDL: the feedback load and `ticket-platform init` create the tables.
            with warehouse.session(lock_wait_seconds=LOCK_WAIT_SECONDS) as session:
                loaded, new_corrections, newest = feedback_state(session, since)
        except Exception as error:
            if is_lock_conflict(error):
                return dg.SkipReason(f"the warehouse is locked; the next tick retries ({error})")
            raise
        pending, listed = pending_feedback_files(lake, loaded)
        requests = []
        if pending and not _in_flight(context.instance, FEEDBACK_JOB):
            requests.append(
                dg.RunRequest(
                    job_name=FEEDBACK_JOB,
                    run_key=f"feedback:{len(pending)}:{files_digest(pending)}",
                    tags={"ticket/pending_feedback_files": str(len(pending))},
                )
            )
        if new_corrections >= threshold and not _in_flight(context.instance, RETRAIN_JOB):
            requests.append(
                dg.RunRequest(
                    job_name=RETRAIN_JOB,
                    run_key=f"retrain:{version}:{new_corrections}:{newest}",
                    tags={"ticket/new_corrections": str(new_corrections)},
                )
            )
        context.log.info(
            f"{listed:,} feedback files, {len(pending):,} not loaded; {new_corrections:,} "
            f"corrections since model {version or '(none)'} (retrain at {threshold})"
        )
        if not requests:
            return dg.SkipReason(
                f"{len(pending)} feedback file(s) pending, {new_corrections} new correction(s) "
                f"of {threshold} needed for a retrain (or a run is already in flight)"
            )
        return dg.SensorResult(run_requests=requests)

    return routing_feedback_sensor


def _in_flight(instance: dg.DagsterInstance, job_name: str) -> bool:
    return bool(
        instance.get_run_ids(filters=dg.RunsFilter(job_name=job_name, statuses=IN_FLIGHT), limit=1)
    )


@dg.definitions
def defs() -> dg.Definitions:
    settings = get_settings()
    feedback = build_feedback_asset(settings)
    job = dg.define_asset_job(
        FEEDBACK_JOB,
        # dbt's tests of the routing.feedback source run with dbt build, not here.
        selection=dg.AssetSelection.assets(feedback).without_checks()
        | dg.AssetSelection.checks(*feedback.check_keys),
        description="Load routing corrections from feedback/ files into routing.feedback.",
    )
    retrain = retrain_job()
    weekly = dg.ScheduleDefinition(
        name="weekly_routing_retrain",
        cron_schedule=WEEKLY_RETRAIN_CRON,
        execution_timezone="UTC",
        job=retrain,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Retrain the router on the week's tickets (promoted unless worse).",
    )
    return dg.Definitions(
        assets=[feedback],
        jobs=[job, retrain],
        sensors=[build_feedback_sensor(settings, [job, retrain])],
        schedules=[weekly],
    )
