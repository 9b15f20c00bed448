"""When assets update by themselves (declarative automation), one condition per kind of asset."""

from datetime import timedelta

import dagster as dg

CALIBRATION_CRON = "0 4 * * *"


def follows_upstream() -> dg.AutomationCondition:
    """dbt models: rebuild after any upstream update (raw load, evaluation, another model), once
    nothing upstream is still running. Unlike ``eager()`` this does not wait for *every* daily
    partition of a partitioned source to exist, which would never happen."""
    return (
        dg.AutomationCondition.any_deps_updated().since_last_handled()
        & ~dg.AutomationCondition.any_deps_in_progress()
        & ~dg.AutomationCondition.in_progress()
    ).with_label("follows upstream")


def follows_partitions(lookback_days: int) -> dg.AutomationCondition:
    """Daily partitions: judge a day when its raw partition updates, for the days the landing
    sensor still watches (``eager()`` considers only the latest day and would miss late files)."""
    return (
        dg.AutomationCondition.in_latest_time_window(timedelta(days=lookback_days + 2))
        & dg.AutomationCondition.any_deps_updated().since_last_handled()
        & ~dg.AutomationCondition.any_deps_missing()
        & ~dg.AutomationCondition.any_deps_in_progress()
        & ~dg.AutomationCondition.in_progress()
    ).with_label(f"follows raw partitions (last {lookback_days + 2} days)")


def daily() -> dg.AutomationCondition:
    """Unpartitioned assets with no upstream (judge calibration): once a day."""
    return dg.AutomationCondition.on_cron(CALIBRATION_CRON)
