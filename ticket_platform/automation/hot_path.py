"""The run the landing sensor starts: a day's load, its evaluation and the dbt models that read
only them, so a landed file reaches the marts without waiting for another sensor."""

import dagster as dg

from ticket_platform.evaluation.assets import COMPLETE_CHECK, FLAGS_CHECK, RESPONSE_EVALUATIONS
from ticket_platform.ingest.assets import QUARANTINE_CHECK, RAW_TICKETS
from ticket_platform.ingest.sensor import LOAD_AND_JUDGE_JOB
from ticket_platform.transform.build_config import DBT_TESTS_BLOCKING, DBT_TESTS_TAG


def load_and_judge_job():
    """The day's load, its evaluation and the dbt models that read only them, in one run: one
    process start instead of two, and no wait for the dbt automation sensor to notice the load.
    Its dbt step runs the blocking tests only (``DBT_TESTS_TAG``), like the dbt automation
    sensor's runs; the nightly build runs every test. The dbt automation sensor then finds these
    models up to date, and builds those that also read another feed (events, routes)."""
    loaded = dg.AssetSelection.assets(RAW_TICKETS, RESPONSE_EVALUATIONS)
    dbt = dg.AssetSelection.kind("dbt")
    others = dg.AssetSelection.all() - loaded - dbt
    models = (loaded.downstream(include_self=False) & dbt) - others.downstream()
    return dg.define_asset_job(
        LOAD_AND_JUDGE_JOB,
        selection=loaded.without_checks()
        | dg.AssetSelection.checks(
            dg.AssetCheckKey(RAW_TICKETS, QUARANTINE_CHECK),
            dg.AssetCheckKey(RESPONSE_EVALUATIONS, COMPLETE_CHECK),
            dg.AssetCheckKey(RESPONSE_EVALUATIONS, FLAGS_CHECK),
        )
        | models,
        tags={DBT_TESTS_TAG: DBT_TESTS_BLOCKING},
        description=(
            "Load the landed files of the selected days, judge their responses, then build the "
            "dbt models that read only those, with their blocking tests."
        ),
    )
