"""`ticket-platform run` on a landing zone where real tickets share their day with hostile files.

The 100 real tickets (the repository's copy of the seed system's) land on 2025-08-08 beside a
FIFO, links (broken, looping, to a secret outside the zone, to a day folder outside it), a name
that is not UTF-8, a byte-order-marked copy of a ticket, a timestamp that overflows in UTC, and
day folders before the first partition and 26,000 days in the future. The run must complete
(exit 0), load the 100 tickets once, build the marts, quarantine each hostile file with a reason
naming it, and report the out-of-range folders as strays, never as partitions.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import orjson
import pytest
from helpers.cli_run import run_platform

from ticket_platform.contracts import ProcessedTicket
from ticket_platform.ingest.landing import LocalLanding

pytestmark = pytest.mark.dbt

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "tests" / "fixtures" / "seed_processed_tickets.jsonl"
DAY = "tickets/2025/08/08/"


def _land_hostile(base: Path) -> dict[str, str]:
    """The landing zone; returns each hostile key and the reason it must be quarantined with."""
    landing = LocalLanding(base / "landing")
    lines = SEED.read_bytes().splitlines()
    for line in lines:
        landing.write(ProcessedTicket.model_validate_json(line).lake_key(), line)
    day = base / "landing" / DAY
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.json").write_bytes(b'{"password": "hunter2"}')
    (outside / "ticket_outside.json").write_bytes(lines[0])

    os.mkfifo(day / "ticket_fifo.json")
    (day / "ticket_broken.json").symlink_to(day / "missing.json")
    (day / "ticket_loop.json").symlink_to(day / "ticket_loop.json")
    (day / "ticket_secret.json").symlink_to(outside / "secret.json")
    (base / "landing/tickets/2025/08/09").symlink_to(outside, target_is_directory=True)
    with open(os.fsencode(day) + b"/ticket_\xff.json", "wb") as handle:
        handle.write(lines[1])
    (day / "ticket_bom.json").write_bytes(b"\xef\xbb\xbf" + lines[2])  # a copy: loads, dedupes
    overflow = orjson.loads(lines[3]) | {"submitted_at": "9999-12-31T23:00:00-05:00"}
    (day / "ticket_overflow.json").write_bytes(orjson.dumps(overflow))
    landing.write("tickets/2024/06/01/ticket_early.json", lines[4])
    landing.write("tickets/2099/01/01/ticket_future.json", lines[5])
    return {
        DAY + "ticket_fifo.json": "not a regular file (FIFO)",
        DAY + "ticket_broken.json": "symbolic link",
        DAY + "ticket_loop.json": "symbolic link",
        DAY + "ticket_secret.json": "symbolic link",
        DAY + "ticket_\\xff.json": "file name is not valid UTF-8",
        DAY + "ticket_overflow.json": "outside the years 1-9999",
    }


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    expected = _land_hostile(base)
    run = run_platform(base)
    return base, run, run.summary, expected


def _query(base: Path, statement: str) -> list[tuple]:
    with duckdb.connect(str(base / "data" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(statement).fetchall()


def test_the_run_completes_and_loads_the_real_tickets_once(hostile_run):
    base, done, summary, _ = hostile_run
    assert done.returncode == 0, done.stderr[-3000:]
    assert (summary["partitions"], summary["first_partition"]) == (1, "2025-08-08")
    assert _query(base, "select count(*), count(distinct ticket_id) from raw.tickets") == [
        (100, 100)
    ]
    assert _query(base, "select count(*) from marts.fct_tickets") == [(100,)]


def test_each_hostile_file_is_quarantined_with_a_reason_that_names_it(hostile_run):
    base, _, _, expected = hostile_run
    stored = dict(_query(base, "select file_key, reason from raw.ticket_quarantine"))
    for key, reason in expected.items():
        assert reason in stored.get(key, ""), (key, stored)
    assert "hunter2" not in repr(_query(base, "select raw_text from raw.ticket_quarantine"))


def test_out_of_range_and_linked_day_folders_are_strays(hostile_run):
    _, _, summary, _ = hostile_run
    assert {"tickets/2024/06/01/", "tickets/2099/01/01/", "tickets/2025/08/09"} <= set(
        summary["stray_keys"]
    )
