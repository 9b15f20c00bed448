"""The code location (``dagster dev -w workspace.yaml``): each capability's Dagster wiring, merged,
with the project-wide freshness and automation policies applied (``automation/policies.py``).

Each module listed here holds one ``defs()``; its logic lives in plain modules beside it.
"""

import warnings

import dagster as dg

from ticket_platform.alerts import sensors as alert_sensors
from ticket_platform.automation import triggers
from ticket_platform.automation.policies import apply_policies
from ticket_platform.evaluation import assets as evaluation_assets
from ticket_platform.ingest import assets as ingest_assets
from ticket_platform.ingest import events_assets, events_sensor
from ticket_platform.ingest import sensor as landing_sensor
from ticket_platform.reports import assets as report_assets
from ticket_platform.reports import export_asset
from ticket_platform.resources import platform_resources
from ticket_platform.routing import assets as routing_assets
from ticket_platform.routing import feedback_assets
from ticket_platform.settings import get_settings
from ticket_platform.transform import assets as dbt_assets
from ticket_platform.transform import docs, source_freshness

WIRING = (
    ingest_assets,
    landing_sensor,
    events_assets,
    events_sensor,
    dbt_assets,
    source_freshness,
    docs,
    evaluation_assets,
    routing_assets,
    feedback_assets,
    report_assets,
    export_asset,
    alert_sensors,
    triggers,
)


@dg.definitions
def defs() -> dg.Definitions:
    settings = get_settings()
    # The project chose its beta and superseded Dagster APIs (single-run backfills, partition
    # freshness checks) knowingly; their warnings would repeat on every load, in every run's
    # output. Dagster's own loaders (load_from_defs_folder) silence them the same way.
    with warnings.catch_warnings():
        for category in (dg.BetaWarning, dg.PreviewWarning, dg.SupersessionWarning):
            warnings.simplefilter("ignore", category=category)
        loaded = [module.defs() for module in WIRING]
    # Runs here are one or two steps serialised by pools: a process per step (the multiprocess
    # default) would only add seconds of start-up to every run.
    platform = dg.Definitions(
        resources=platform_resources(settings), executor=dg.in_process_executor
    )
    return apply_policies(dg.Definitions.merge(*loaded, platform), settings)
