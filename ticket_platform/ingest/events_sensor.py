"""The events landing sensor: one ingest_events run per day with event files not yet loaded."""

import dagster as dg

from ticket_platform.ingest.events import EVENTS_PREFIX
from ticket_platform.ingest.events_assets import INGEST_EVENTS_JOB
from ticket_platform.ingest.events_sql import EVENT_LEDGER_TABLE
from ticket_platform.ingest.sensor import LandingFeed, build_landing_sensor
from ticket_platform.settings import get_settings

EVENTS_FEED = LandingFeed(
    sensor_name="events_landing_sensor",
    prefix=EVENTS_PREFIX,
    job_name=INGEST_EVENTS_JOB,
    partition_tag="ticket/events_partition",
    ledger=EVENT_LEDGER_TABLE,
)


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(sensors=[build_landing_sensor(get_settings(), feed=EVENTS_FEED)])
