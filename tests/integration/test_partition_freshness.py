"""The partition freshness checks expect what the README promises: yesterday's partition by
03:00 UTC, never today's. Run from the project's definitions against an instance configured as
``make ui`` configures it, with a frozen clock and materialized partitions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import pytest
from helpers.dagster_instances import user_instance

from ticket_platform.automation import partition_freshness
from ticket_platform.automation.partition_freshness import due_partition, last_deadline
from ticket_platform.evaluation.assets import RESPONSE_EVALUATIONS
from ticket_platform.ingest.assets import RAW_TICKETS
from ticket_platform.ingest.events_assets import RAW_TICKET_EVENTS

DAILY = (RAW_TICKETS, RAW_TICKET_EVENTS, RESPONSE_EVALUATIONS)
CHECKS = [dg.AssetCheckKey(key, "freshness_check") for key in DAILY]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        ("2026-12-05 21:45", "2026-12-04"),  # after the deadline: yesterday, not today
        ("2026-12-05 03:00", "2026-12-04"),  # at the deadline
        ("2026-12-05 02:59", "2026-12-03"),  # before it: the day before yesterday
        ("2026-12-05 00:00", "2026-12-03"),
        ("2027-01-01 04:00", "2026-12-31"),
    ],
)
def test_due_partition(now, due):
    assert due_partition(_at(now)) == date.fromisoformat(due)
    assert due_partition(_at(now)) < _at(now).date(), "today's partition is never due"


def test_deadline_is_read_in_utc():
    new_york = datetime(2026, 12, 4, 22, 30, tzinfo=timezone(timedelta(hours=-5)))  # 03:30 UTC
    assert last_deadline(new_york) == _at("2026-12-05 03:00")
    assert due_partition(new_york) == date(2026, 12, 4)


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> dg.Definitions:
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path / "data"))
    from ticket_platform.definitions import defs

    return defs()


@pytest.fixture
def instance(tmp_path: Path):
    with user_instance(tmp_path / "dagster_home") as instance:
        yield instance


def _checks_def(project: dg.Definitions) -> dg.AssetChecksDefinition:
    [checks] = [c for c in project.asset_checks if set(CHECKS) <= set(c.check_keys)]
    return checks


def _evaluate(
    project, instance, monkeypatch, now: str
) -> dict[dg.AssetKey, dg.AssetCheckEvaluation]:
    monkeypatch.setattr(partition_freshness, "utc_now", lambda: _at(now))
    result = dg.materialize(
        [_checks_def(project)], instance=instance, selection=dg.AssetSelection.checks(*CHECKS)
    )
    return {e.asset_key: e for e in result.get_asset_check_evaluations()}


def _materialize(instance, key: dg.AssetKey, *days: str) -> None:
    for day in days:
        instance.report_runless_asset_event(dg.AssetMaterialization(key, partition=day))


def test_after_the_demo_yesterday_is_due_and_today_is_not(project, instance, monkeypatch):
    """The demo loads up to yesterday; the UI opened the same evening shows every check passing
    (the stock check expected today's partition and failed)."""
    for key in DAILY:
        _materialize(instance, key, "2026-12-03", "2026-12-04")
    results = _evaluate(project, instance, monkeypatch, "2026-12-05 21:45")
    assert set(results) == set(DAILY)
    for key, evaluation in results.items():
        assert evaluation.passed, (key, evaluation.description)
        assert evaluation.severity == dg.AssetCheckSeverity.ERROR
        assert "2026-12-04" in evaluation.description
        fresh_until = evaluation.metadata["dagster/fresh_until_timestamp"].value
        assert fresh_until == _at("2026-12-06 03:00").timestamp()


def test_a_missing_yesterday_fails_after_the_deadline_only(project, instance, monkeypatch):
    _materialize(instance, RAW_TICKETS, "2026-12-03", "2026-12-05")  # 12-04 missing, today there
    before = _evaluate(project, instance, monkeypatch, "2026-12-05 02:30")
    assert before[RAW_TICKETS].passed, "2026-12-04 is not due before 03:00"
    after = _evaluate(project, instance, monkeypatch, "2026-12-05 03:00")
    failed = after[RAW_TICKETS]
    assert not failed.passed
    assert failed.description == (
        "Partition 2026-12-04 is overdue: it was due by 2026-12-05 03:00 UTC and has not been "
        "materialized."
    )
    assert "dagster/fresh_until_timestamp" not in failed.metadata
    assert not after[RAW_TICKET_EVENTS].passed, "never materialized"


def test_nothing_is_due_before_the_first_partition(project, instance, monkeypatch):
    start = date.fromisoformat("2025-01-01")  # TICKET_PARTITIONS_START's default
    now = datetime.combine(start, datetime.min.time(), UTC) + timedelta(hours=12)
    results = _evaluate(project, instance, monkeypatch, now.isoformat()[:16])
    assert all(e.passed for e in results.values())
    assert "No partition is due yet" in results[RAW_TICKETS].description


def test_the_freshness_sensor_runs_the_checks_until_they_pass(project, instance, monkeypatch):
    """Dagster's freshness-check sensor requests never-run checks, then skips passing ones until
    their next deadline (the ``dagster/fresh_until_timestamp`` the checks report)."""
    sensor = project.resolve_sensor_def("partition_freshness_sensor")
    request = sensor(dg.build_sensor_context(instance=instance))
    assert set(request.asset_check_keys) == set(CHECKS)
    now = datetime.now(UTC)
    for key in DAILY:
        _materialize(instance, key, due_partition(now).isoformat())
    _evaluate(project, instance, monkeypatch, now.isoformat(sep=" ")[:16])
    skipped = sensor(dg.build_sensor_context(instance=instance))
    assert isinstance(skipped, dg.SkipReason)
