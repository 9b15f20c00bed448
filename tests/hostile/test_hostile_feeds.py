"""Hostile input beyond one ticket file: day folders outside the partitions, the events feed,
and the landing sensor's tick over files it must not open."""

from __future__ import annotations

import gzip
import os
import zlib
from datetime import date

import dagster as dg
import orjson

from ticket_platform.ingest.assets import build_raw_tickets_asset
from ticket_platform.ingest.events import load_event_partition
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.ingest.sensor import build_landing_sensor
from ticket_platform.ingest.tickets import discover_days
from ticket_platform.settings import get_settings
from ticket_platform.warehouse.resource import DuckDBWarehouse

DAY = date(2025, 8, 8)
PREFIX = "tickets/2025/08/08/"


def test_out_of_range_day_folders_are_strays_not_partitions(tmp_path, seed_lines):
    landing = LocalLanding(tmp_path / "landing")
    for key in (
        "tickets/2025/08/08/ticket_a.json",
        "tickets/2024/06/01/ticket_early.json",  # before TICKET_PARTITIONS_START
        "tickets/2099/01/01/ticket_future.json",  # 26,000 days ahead
    ):
        landing.write(key, seed_lines[0])
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "ticket_x.json").write_bytes(seed_lines[1])
    (tmp_path / "landing/tickets/2025/08/09").symlink_to(outside, target_is_directory=True)

    days, strays = discover_days(landing, within=(date(2025, 1, 1), date(2026, 12, 4)))
    assert days == [DAY]
    assert sorted(strays) == [
        "tickets/2024/06/01/",
        "tickets/2025/08/09",  # the linked day folder: listed, never read
        "tickets/2099/01/01/",
    ]
    assert list(landing.list("tickets/2025/08/09/")) == []


def test_hostile_event_files_are_quarantined_and_good_events_load(tmp_path, session):
    """The events feed shares the read step: links, FIFOs, cut gzip and a byte-order mark."""
    landing = LocalLanding(tmp_path / "landing")
    folder = tmp_path / "landing" / "events/2025/08/08"

    def event(n: int) -> bytes:
        return orjson.dumps(
            {
                "eventName": "TicketAssigned",
                "eventId": f"TKT-1:TicketAssigned:{n}",
                "ticketId": "TKT-1",
                "occurredAt": "2025-08-08T10:00:00Z",
                "source": "helpdesk",
                "data": {"agent": "Ada", "team": "networking"},
            }
        )

    landing.write("events/2025/08/08/good.jsonl.gz", gzip.compress(event(1) + b"\n", mtime=0))
    landing.write("events/2025/08/08/bom.jsonl", b"\xef\xbb\xbf" + event(2) + b"\n")
    compressor = zlib.compressobj(wbits=31)
    cut = compressor.compress(event(3) + b"\n") + compressor.flush(zlib.Z_SYNC_FLUSH)
    landing.write("events/2025/08/08/cut.jsonl.gz", cut)
    os.mkfifo(folder / "fifo.jsonl.gz")
    (folder / "link.jsonl.gz").symlink_to(folder / "good.jsonl.gz")

    report = load_event_partition(landing, session, DAY)
    assert (report.events_inserted, report.files_quarantined) == (2, 3)
    reasons = dict(session.query("select file_key, reason from raw.event_quarantine"))
    assert "truncated" in reasons["events/2025/08/08/cut.jsonl.gz"]
    assert "not a regular file (FIFO)" in reasons["events/2025/08/08/fifo.jsonl.gz"]
    assert "symbolic link" in reasons["events/2025/08/08/link.jsonl.gz"]
    assert load_event_partition(landing, session, DAY).files_already_loaded == 5


def test_the_landing_sensor_ticks_over_hostile_files_and_stops_once_they_are_ledgered(
    tmp_path, seed_lines, monkeypatch
):
    """Under the sensors too: a FIFO and broken and looping links in the day folder neither
    fail nor hang a tick; the run it requests quarantines them, and the next tick is quiet."""
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path / "data"))
    settings = get_settings()
    landing = LocalLanding(tmp_path / "landing")
    for line in seed_lines[:5]:
        landing.write(f"{PREFIX}ticket_{orjson.loads(line)['ticket_id']}.json", line)
    folder = tmp_path / "landing" / PREFIX
    os.mkfifo(folder / "ticket_fifo.json")
    (folder / "ticket_broken.json").symlink_to(folder / "missing.json")
    (folder / "ticket_loop.json").symlink_to(folder / "ticket_loop.json")
    resources = {
        "landing": LandingResource(uri=landing.uri),
        "warehouse": DuckDBWarehouse(database=str(tmp_path / "w.duckdb")),
    }

    def tick() -> list[dg.RunRequest]:
        sensor = build_landing_sensor(settings, today=lambda: date(2025, 8, 9))
        context = dg.build_sensor_context(
            instance=dg.DagsterInstance.ephemeral(), resources=resources
        )
        result = sensor(context)
        return list(result.run_requests) if isinstance(result, dg.SensorResult) else []

    [request] = tick()
    assert request.tags["ticket/pending_files"] == "8"
    loaded = dg.materialize(
        [build_raw_tickets_asset(settings)],
        partition_key=request.partition_key,
        resources=resources,
    )
    assert loaded.success
    assert tick() == []
