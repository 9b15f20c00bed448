"""The raw/ticket_events asset in Dagster: metadata, and the quarantine check passing and failing."""

import gzip

import dagster as dg
import orjson
import pytest

from ticket_platform.ingest.events_assets import (
    EVENT_QUARANTINE_CHECK,
    INGEST_EVENTS_JOB,
    RAW_TICKET_EVENTS,
    build_raw_ticket_events_asset,
)
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.settings import get_settings
from ticket_platform.warehouse.resource import DuckDBWarehouse

PARTITION = "2025-08-08"
PREFIX = "events/2025/08/08/"


def rated(n: int, rating: int = 4) -> bytes:
    return orjson.dumps(
        {
            "eventName": "SatisfactionRated",
            "eventId": f"TKT-{n}:SatisfactionRated:1",
            "ticketId": f"TKT-{n}",
            "occurredAt": "2025-08-08T10:00:00Z",
            "source": "helpdesk",
            "data": {"rating": rating, "comment": ""},
        }
    )


@pytest.fixture
def landing(tmp_path) -> LocalLanding:
    """Two hourly files of 20 valid events; the second repeats one event of the first."""
    landing = LocalLanding(tmp_path / "landing")
    first = b"\n".join(rated(n) for n in range(10))
    second = b"\n".join(rated(n) for n in range(9, 20))
    landing.write(PREFIX + "ticket-events-10.jsonl.gz", gzip.compress(first))
    landing.write(PREFIX + "ticket-events-11.jsonl.gz", gzip.compress(second))
    return landing


def _materialize(tmp_path, landing, monkeypatch, max_rate: str):
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TICKET_MAX_QUARANTINE_RATE", max_rate)
    asset = build_raw_ticket_events_asset(get_settings())
    return dg.materialize(
        [asset],
        partition_key=PARTITION,
        resources={
            "landing": LandingResource(uri=landing.uri),
            "warehouse": DuckDBWarehouse(database=str(tmp_path / "w.duckdb")),
        },
        raise_on_error=False,
    )


def _metadata(result) -> dict:
    [materialization] = result.asset_materializations_for_node("raw__ticket_events")
    return {k: v.value for k, v in materialization.metadata.items()}


def _check(result) -> dg.AssetCheckEvaluation:
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.check_name == EVENT_QUARANTINE_CHECK
    return evaluation


def test_materialization_reports_counts_and_passes_the_check(tmp_path, landing, monkeypatch):
    landing.write(PREFIX + "ticket-events-12.jsonl.gz", rated(30) + b"\n{broken\n")
    result = _materialize(tmp_path, landing, monkeypatch, "0.05")
    assert result.success
    metadata = _metadata(result)
    assert (metadata["files_seen"], metadata["files_loaded"]) == (3, 2)
    assert metadata["files_partially_quarantined"] == 1 and metadata["files_quarantined"] == 0
    assert metadata["records_read"] == 23
    assert metadata["events_loaded"] == metadata["dagster/row_count"] == 21
    assert metadata["duplicates_skipped"] == 1 and metadata["duplicate_conflicts"] == 0
    assert metadata["events_quarantined"] == 1
    assert metadata["quarantine_reasons"] == {PARTITION: {"invalid JSON": 1}}
    assert _check(result).passed

    again = _materialize(tmp_path, landing, monkeypatch, "0.05")
    metadata = _metadata(again)
    assert metadata["files_already_loaded"] == 3 and metadata["events_loaded"] == 0
    assert metadata["dagster/row_count"] == 21 and _check(again).passed


def test_check_fails_when_a_partition_quarantines_too_much(tmp_path, landing, monkeypatch):
    landing.write(PREFIX + "ticket-events-12.jsonl.gz", b"\x1f\x8b corrupt")
    changed = b"\n".join([rated(1, rating=1), rated(2, rating=9)])
    landing.write(PREFIX + "ticket-events-13.jsonl.gz", gzip.compress(changed))
    result = _materialize(tmp_path, landing, monkeypatch, "0.05")

    evaluation = _check(result)
    assert result.success, "a failed check flags the data; it does not fail the load"
    assert not evaluation.passed
    metadata = _metadata(result)
    assert metadata["events_quarantined"] == 3 and metadata["duplicate_conflicts"] == 1
    assert metadata["files_quarantined"] == 2  # the corrupt file, and the one with no event left
    assert evaluation.metadata["partitions_over_limit"].value == {PARTITION: round(3 / 24, 4)}


def test_the_asset_is_wired_like_the_ticket_load(tmp_path, monkeypatch):
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path))
    from ticket_platform.definitions import defs

    definitions = defs()
    node = definitions.resolve_asset_graph().get(RAW_TICKET_EVENTS)
    assert node.group_name == "lifecycle" and node.partitions_def is not None
    assert node.freshness_policy is not None
    assert dg.AssetCheckKey(RAW_TICKET_EVENTS, EVENT_QUARANTINE_CHECK) in node.check_keys
    job = definitions.resolve_job_def(INGEST_EVENTS_JOB)
    assert job.partitions_def is not None
    [op] = [n for n in job.graph.node_defs if n.name == "raw__ticket_events"]
    assert op.pool == "duckdb_writer" and op.retry_policy is not None
