"""The daily partitions every ticket-grained asset shares (UTC days of ``submitted_at``)."""

from __future__ import annotations

import dagster as dg

from ticket_platform.settings import Settings


def daily_ticket_partitions(settings: Settings) -> dg.DailyPartitionsDefinition:
    # end_offset=1 makes today's (still filling) partition available to sensors and runs.
    return dg.DailyPartitionsDefinition(
        start_date=settings.partitions_start, timezone="UTC", end_offset=1
    )
