"""dbt source freshness results become asset check results on the sources' assets."""

import json

import dagster as dg

from ticket_platform.settings import get_settings
from ticket_platform.transform.project import prepare_manifest
from ticket_platform.transform.source_freshness import (
    SOURCE_FRESHNESS_CHECK,
    freshness_results,
    sources_with_freshness,
)

RAW = "source.ticket_platform.raw.tickets"


def test_only_sources_with_thresholds_get_a_check():
    manifest = json.loads(prepare_manifest(get_settings()).read_text())
    keys = sources_with_freshness(manifest)
    assert keys == {
        RAW: dg.AssetKey(["raw", "tickets"]),
        "source.ticket_platform.raw.ticket_events": dg.AssetKey(["raw", "ticket_events"]),
    }, "the evaluation source has no thresholds"


def _result(status: str, age_seconds: float | None = 3600.0) -> dict:
    return {
        "unique_id": RAW,
        "status": status,
        "max_loaded_at": "2025-08-09T10:00:00",
        "max_loaded_at_time_ago_in_s": age_seconds,
        "criteria": {"warn_after": {"count": 24, "period": "hour"}},
    }


def test_statuses_map_to_pass_warn_and_error():
    keys = {RAW: dg.AssetKey(["raw", "tickets"]), "source.other": dg.AssetKey("other")}
    results = {
        status: next(iter(freshness_results({"results": [_result(status)]}, keys)))
        for status in ("pass", "warn", "error", "runtime error")
    }
    assert results["pass"].passed and results["pass"].check_name == SOURCE_FRESHNESS_CHECK
    assert not results["warn"].passed
    assert results["warn"].severity == dg.AssetCheckSeverity.WARN
    assert results["error"].severity == dg.AssetCheckSeverity.ERROR
    assert results["runtime error"].severity == dg.AssetCheckSeverity.ERROR
    assert results["pass"].metadata["age_hours"].value == 1.0


def test_results_of_unknown_sources_are_ignored():
    unknown = {**_result("pass"), "unique_id": "source.x.y"}
    assert list(freshness_results({"results": [unknown]}, {})) == []
