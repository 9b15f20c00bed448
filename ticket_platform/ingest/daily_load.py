"""What every landing-zone load asset does per day: load, log, sum, and grade the quarantine rate.

Shared by ``raw/tickets`` and ``raw/ticket_events``; each passes its own loader and wording.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

import dagster as dg

from ticket_platform.ingest.tickets import SummedCounts
from ticket_platform.warehouse.session import WarehouseSession

# loader(session, day, on_progress) -> report; quality(session, day) -> (records, quarantined, _)
Loader = Callable[[WarehouseSession, date, Callable[[int, int], None]], Any]
Quality = Callable[[WarehouseSession, date], tuple[int, int, int]]


def load_days(
    context: dg.AssetExecutionContext,
    session: WarehouseSession,
    total: SummedCounts,
    load: Loader,
    describe: Callable[[Any], str],
    quality: Quality,
    max_rate: float,
    what: str = "files",
) -> dict[str, float]:
    """Load each partition day of the run into ``total``; returns the days whose quarantined
    share, over every load of that day, exceeds ``max_rate``."""
    over_limit: dict[str, float] = {}
    for key in context.partition_keys:
        day = date.fromisoformat(key)

        def progress(done: int, pending: int, key: str = key) -> None:
            context.log.info(f"{key}: {done:,}/{pending:,} new {what} processed")

        report = load(session, day, progress)
        context.log.info(f"{key}: {describe(report)}")
        for message in report.errors:
            context.log.warning(f"{key}: {message}")
        total.add(report)
        records, quarantined, _ = quality(session, day)
        if records and quarantined / records > max_rate:
            over_limit[key] = round(quarantined / records, 4)
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
