"""The daily partitions every ticket-grained asset shares (UTC days of ``submitted_at``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import dagster as dg

from ticket_platform.settings import Settings


def daily_ticket_partitions(settings: Settings) -> dg.DailyPartitionsDefinition:
    # end_offset=1 makes today's (still filling) partition available to sensors and runs.
    return dg.DailyPartitionsDefinition(
        start_date=settings.partitions_start, timezone="UTC", end_offset=1
    )


def partition_bounds(settings: Settings, today: date | None = None) -> tuple[date, date]:
    """The first and last partition that exist: the configured start and today (UTC)."""
    return date.fromisoformat(settings.partitions_start), today or datetime.now(UTC).date()
