"""What starts runs by itself: automation sensors (split by kind), the partition freshness
sensor and the nightly schedules."""

from datetime import UTC, date, datetime, timedelta

import dagster as dg

from ticket_platform.automation.hot_path import load_and_judge_job
from ticket_platform.automation.partition_freshness import build_partition_freshness_checks
from ticket_platform.evaluation.assets import EVALUATION_JOB, RESPONSE_EVALUATIONS
from ticket_platform.ingest.assets import RAW_TICKETS
from ticket_platform.ingest.events_assets import RAW_TICKET_EVENTS
from ticket_platform.settings import get_settings
from ticket_platform.transform.assets import DBT_BUILD_JOB
from ticket_platform.transform.build_config import DBT_TESTS_BLOCKING, DBT_TESTS_TAG

DAILY_EVALUATION_CRON = "0 2 * * *"
NIGHTLY_DBT_CRON = "30 3 * * *"


def automation_sensors(
    interval_seconds: int, dbt_interval_seconds: int | None = None
) -> list[dg.AutomationConditionSensorDefinition]:
    """One sensor per kind, so a slow evaluation of one kind never delays the other. The dbt
    sensor is on the file-to-mart path: it ticks every ``dbt_interval_seconds`` (the settings'
    ``hot_path_interval_seconds``)."""
    return [
        dg.AutomationConditionSensorDefinition(
            "dbt_automation_sensor",
            target=dg.AssetSelection.kind("dbt"),
            default_status=dg.DefaultSensorStatus.RUNNING,
            minimum_interval_seconds=dbt_interval_seconds or interval_seconds,
            run_tags={DBT_TESTS_TAG: DBT_TESTS_BLOCKING},
            description=(
                "Rebuilds dbt models after their upstream assets update, with their blocking "
                "tests (the nightly build runs every test)."
            ),
        ),
        dg.AutomationConditionSensorDefinition(
            "routing_automation_sensor",
            target=dg.AssetSelection.groups("routing"),
            default_status=dg.DefaultSensorStatus.RUNNING,
            minimum_interval_seconds=interval_seconds,
            description=(
                "Routes each newly loaded day's tickets, and the recent days again after a new "
                "model is promoted."
            ),
        ),
        dg.AutomationConditionSensorDefinition(
            "evaluation_automation_sensor",
            target=dg.AssetSelection.groups("evaluation"),
            default_status=dg.DefaultSensorStatus.RUNNING,
            minimum_interval_seconds=interval_seconds,
            description=(
                "Judges the responses of each newly loaded day; recalibrates the judge daily."
            ),
        ),
    ]


def partition_freshness(
    first_day: date,
) -> tuple[list[dg.AssetChecksDefinition], dg.SensorDefinition]:
    """Each day's partition of the daily assets exists by 03:00 UTC after the day ends, and
    Dagster's freshness-check sensor runs the checks when they can turn overdue."""
    checks = [
        build_partition_freshness_checks(
            [RAW_TICKETS, RAW_TICKET_EVENTS, RESPONSE_EVALUATIONS], first_day=first_day
        )
    ]
    sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=checks,
        name="partition_freshness_sensor",
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    return checks, sensor


@dg.schedule(
    name="daily_evaluation",
    cron_schedule=DAILY_EVALUATION_CRON,
    job_name=EVALUATION_JOB,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        "Judges yesterday once more after it has ended: late tickets get judged and failed or "
        "budget-deferred verdicts are retried; unchanged tickets are cache hits (no model call)."
    ),
)
def daily_evaluation(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    tick = context.scheduled_execution_time or datetime.now(UTC)
    day = (tick.astimezone(UTC) - timedelta(days=1)).date().isoformat()
    return dg.RunRequest(run_key=f"daily_evaluation:{day}", partition_key=day)


nightly_dbt_build = dg.ScheduleDefinition(
    name="nightly_dbt_build",
    cron_schedule=NIGHTLY_DBT_CRON,
    job_name=DBT_BUILD_JOB,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="A full dbt build with every test, whatever the sensors did during the day.",
)


@dg.definitions
def defs() -> dg.Definitions:
    settings = get_settings()
    checks, freshness_sensor = partition_freshness(date.fromisoformat(settings.partitions_start))
    return dg.Definitions(
        asset_checks=checks,
        sensors=[
            *automation_sensors(
                settings.automation.sensor_interval_seconds,
                settings.automation.hot_path_interval_seconds,
            ),
            freshness_sensor,
        ],
        schedules=[daily_evaluation, nightly_dbt_build],
        jobs=[load_and_judge_job()],
    )
