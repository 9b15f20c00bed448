"""Partition freshness: each daily partition has arrived by 03:00 UTC the day after it ends.

Dagster's ``build_time_partition_freshness_checks`` expects the partition whose window holds the
last deadline. The daily assets have ``end_offset=1`` (today's partition exists while it fills),
so that is *today's* partition, which is not due yet: right after a demo the check failed with
"We expected partition <today> to have arrived". These checks expect what the README promises:
from 03:00 UTC on day D, partition D-1 (yesterday); before 03:00, D-2. Today is never due.

The result carries ``dagster/fresh_until_timestamp`` (the next deadline) on success, the key
Dagster's freshness-check sensor (``build_sensor_for_freshness_checks``) reads to decide when a
passing check can be overdue again.
"""

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta

import dagster as dg

FRESHNESS_CHECK = "freshness_check"
DEADLINE = time(3, 0)  # UTC, the day after the partition's day
FRESH_UNTIL_KEY = "dagster/fresh_until_timestamp"


def utc_now() -> datetime:
    """The clock the checks read (tests replace it)."""
    return datetime.now(UTC)


def last_deadline(now: datetime) -> datetime:
    """The latest 03:00 UTC at or before ``now``."""
    now = now.astimezone(UTC)
    today = datetime.combine(now.date(), DEADLINE, tzinfo=UTC)
    return today if now >= today else today - timedelta(days=1)


def due_partition(now: datetime) -> date:
    """The newest day whose partition must exist at ``now``: the day before the last deadline."""
    return last_deadline(now).date() - timedelta(days=1)


def partition_freshness_result(
    instance: dg.DagsterInstance, asset_key: dg.AssetKey, now: datetime, first_day: date
) -> dg.AssetCheckResult:
    """Whether the partition due at ``now`` has been materialized (a pass while none is due)."""
    deadline = last_deadline(now)
    day = due_partition(now)
    metadata: dict[str, dg.MetadataValue] = {
        "due_partition": dg.MetadataValue.text(day.isoformat()),
        "deadline": dg.MetadataValue.timestamp(deadline),
    }
    if day < first_day:
        passed = True
        description = f"No partition is due yet (the first is {first_day.isoformat()})."
    else:
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=asset_key, asset_partitions=[day.isoformat()]),
            limit=1,
        ).records
        passed = bool(records)
        if passed:
            metadata["dagster/last_updated_timestamp"] = dg.MetadataValue.timestamp(
                records[0].timestamp
            )
            description = (
                f"Partition {day.isoformat()} arrived (due by {deadline:%Y-%m-%d %H:%M} UTC)."
            )
        else:
            description = (
                f"Partition {day.isoformat()} is overdue: it was due by "
                f"{deadline:%Y-%m-%d %H:%M} UTC and has not been materialized."
            )
    if passed:
        metadata[FRESH_UNTIL_KEY] = dg.MetadataValue.timestamp(deadline + timedelta(days=1))
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=FRESHNESS_CHECK,
        passed=passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=description,
        metadata=metadata,
    )


def build_partition_freshness_checks(
    assets: Sequence[dg.AssetKey], first_day: date
) -> dg.AssetChecksDefinition:
    """One ``freshness_check`` per daily asset, evaluated together (subsettable)."""

    @dg.multi_asset_check(
        specs=[
            dg.AssetCheckSpec(
                FRESHNESS_CHECK,
                asset=key,
                description=(
                    "Yesterday's partition has been materialized by 03:00 UTC (today's is not due)."
                ),
            )
            for key in assets
        ],
        can_subset=True,
        name="partition_freshness_checks",
    )
    def partition_freshness_checks(
        context: dg.AssetCheckExecutionContext,
    ) -> Iterator[dg.AssetCheckResult]:
        now = utc_now()
        for check_key in sorted(context.selected_asset_check_keys, key=str):
            yield partition_freshness_result(context.instance, check_key.asset_key, now, first_day)

    return partition_freshness_checks
