"""Landing events/ → raw.ticket_events on DuckDB and PostgreSQL: exactly once, immutable events,
duplicates and conflicts, quarantine with reasons, days loaded in any order."""

import gzip
import os
from datetime import date, datetime, timedelta

import orjson
import pytest

from ticket_platform.ingest import events_sql as sql
from ticket_platform.ingest.events import (
    EVENTS_PREFIX,
    apply_event_batch,
    event_partition_quality,
    load_event_partition,
    parse_event_files,
    staged_event_count,
)
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.warehouse.session import run_in_transaction
from ticket_platform_demo.simulator.local_aws import SqliteTicketTable
from ticket_platform_demo.simulator.responder import TemplateResponder
from ticket_platform_demo.simulator.sentiment import default_analyzer
from ticket_platform_demo.simulator.simulate import (
    Simulator,
    end_of_day,
    simulate,
    submitted_events,
)
from ticket_platform_demo.synthetic import generate_tickets

DAY = date(2025, 8, 8)
NEXT = DAY + timedelta(days=1)


def key(day: date, name: str) -> str:
    return f"{EVENTS_PREFIX}/{day:%Y/%m/%d}/ticket-events-{name}.jsonl.gz"


def assigned(n: int, ticket: str = "TKT-1", agent: str = "Ada", at: str = "10:00:00") -> dict:
    return {
        "eventName": "TicketAssigned",
        "eventId": f"{ticket}:TicketAssigned:{n}",
        "ticketId": ticket,
        "occurredAt": f"2025-08-08T{at}Z",
        "source": "helpdesk",
        "data": {"agent": agent, "team": "networking"},
    }


def write(landing: LocalLanding, file_key: str, *records: dict | bytes) -> None:
    lines = [r if isinstance(r, bytes) else orjson.dumps(r) for r in records]
    landing.write(file_key, gzip.compress(b"\n".join(lines) + b"\n", mtime=0))


def lines_of(landing: LocalLanding, prefix: str) -> list[bytes]:
    return [
        line
        for obj in landing.list(prefix)
        for line in gzip.decompress(landing.read(obj.key)).splitlines()
        if line.strip()
    ]


def quarantine(session) -> list[tuple]:
    return session.query(
        f"select file_key, line_number, event_id, reason from {sql.EVENT_QUARANTINE_TABLE} "
        "order by file_key, line_number"
    )


def ledger(session) -> dict[str, tuple]:
    rows = session.query(
        "select file_key, status, records_total, rows_accepted, rows_quarantined "
        f"from {sql.EVENT_LEDGER_TABLE}"
    )
    return {r[0]: r[1:] for r in rows}


@pytest.fixture(scope="module")
def simulated(tmp_path_factory) -> tuple[LocalLanding, list[date]]:
    """The real-time path run offline for 25 tickets over two days: real Firehose-style files."""
    tmp_path = tmp_path_factory.mktemp("simulated_events")
    first, last = date(2025, 3, 3), date(2025, 3, 4)
    landing = LocalLanding(tmp_path / "landing")
    table = SqliteTicketTable(tmp_path / "lifecycle.sqlite")
    simulator = Simulator(
        landing,
        table,
        analyzer=default_analyzer(),
        responder=TemplateResponder(),
        seed=5,
        now=end_of_day(last + timedelta(days=1)),
        run_tag="s5-o0",
    )
    simulate(simulator, submitted_events(generate_tickets(25, 5, first, last)), chunk=10)
    table.close()
    days = sorted(
        {date.fromisoformat(o.key[7:17].replace("/", "-")) for o in landing.list("events/")}
    )
    return landing, days


def test_a_simulated_stream_loads_every_record_once(simulated, session):
    landing, days = simulated
    assert len(days) >= 2
    expected = {day: len(lines_of(landing, f"{EVENTS_PREFIX}/{day:%Y/%m/%d}/")) for day in days}
    reports = {day: load_event_partition(landing, session, day, run_id="run-1") for day in days}

    for day, report in reports.items():
        assert report.records_read == report.events_inserted == expected[day]
        assert report.events_quarantined == 0 and report.files_quarantined == 0
        assert report.files_loaded == report.files_seen > 0
        assert staged_event_count(session, day, day) == expected[day]
        assert event_partition_quality(session, day) == (expected[day], 0, report.files_seen)
    total = sum(expected.values())
    assert session.query(f"select count(*), count(distinct event_id) from {sql.EVENTS_TABLE}") == [
        (total, total)
    ]
    milestones = dict(
        session.query(f"select milestone, count(*) from {sql.EVENTS_TABLE} group by 1")
    )
    assert milestones["SUBMITTED"] == milestones["STORED"] == 25
    assert session.query(
        f"select count(*) from {sql.EVENTS_TABLE} where milestone = 'ASSIGNED' "
        "and (agent is null or team is null)"
    ) == [(0,)]

    again = [load_event_partition(landing, session, day, run_id="run-2") for day in days]
    assert sum(r.files_already_loaded for r in again) == sum(r.files_seen for r in again)
    assert sum(r.events_inserted + r.records_read for r in again) == 0
    assert staged_event_count(session, days[0], days[-1]) == total


def test_small_chunks_give_the_same_table(simulated, session):
    landing, days = simulated
    report = load_event_partition(landing, session, days[0], chunk_files=1)
    assert report.files_loaded == report.files_seen
    assert staged_event_count(session, days[0], days[0]) == report.events_inserted > 0


def test_a_rewritten_file_adds_only_its_new_events(tmp_path, session):
    landing = LocalLanding(tmp_path / "landing")
    write(landing, key(DAY, "10"), assigned(1), assigned(2, "TKT-2"))
    load_event_partition(landing, session, DAY)

    write(landing, key(DAY, "10"), assigned(1), assigned(2, "TKT-2"), assigned(3, "TKT-3"))
    report = load_event_partition(landing, session, DAY)

    assert (report.files_loaded, report.events_inserted, report.duplicates_skipped) == (1, 1, 2)
    assert report.events_quarantined == 0
    assert staged_event_count(session, DAY, DAY) == 3
    assert session.query(f"select count(*) from {sql.EVENT_LEDGER_TABLE}") == [(2,)]


def test_a_touched_file_with_the_same_bytes_is_unchanged_not_quarantined(tmp_path, session):
    landing = LocalLanding(tmp_path / "landing")
    write(landing, key(DAY, "10"), assigned(1), assigned(2, "TKT-2"))
    load_event_partition(landing, session, DAY)
    path = tmp_path / "landing" / key(DAY, "10")
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 60))  # a new etag, same bytes

    report = load_event_partition(landing, session, DAY)

    assert (report.files_unchanged, report.files_quarantined, report.events_inserted) == (1, 0, 0)
    statuses = session.query(
        f"select status from {sql.EVENT_LEDGER_TABLE} order by loaded_at, status"
    )
    assert sorted(status for (status,) in statuses) == ["loaded", "unchanged"]
    assert staged_event_count(session, DAY, DAY) == 2


def test_a_redelivered_event_is_skipped_and_a_changed_one_quarantined(tmp_path, session):
    landing = LocalLanding(tmp_path / "landing")
    write(landing, key(DAY, "10"), assigned(1), assigned(2))
    load_event_partition(landing, session, DAY)

    same = assigned(1) | {"occurredAt": "2025-08-08T12:00:00+02:00"}  # same instant
    changed = assigned(2, agent="Grace")
    write(landing, key(DAY, "11"), same, changed, assigned(3))
    report = load_event_partition(landing, session, DAY)

    assert report.events_inserted == 1 and report.duplicates_skipped == 1
    assert report.duplicate_conflicts == report.events_quarantined == 1
    assert report.files_partially_quarantined == 1
    assert quarantine(session) == [
        (key(DAY, "11"), 2, "TKT-1:TicketAssigned:2", sql.DUPLICATE_CONFLICT)
    ]
    stored = session.query(
        f"select agent from {sql.EVENTS_TABLE} where event_id = 'TKT-1:TicketAssigned:2'"
    )
    assert stored == [("Ada",)], "a stored event is never overwritten"
    assert ledger(session)[key(DAY, "11")] == ("partial", 3, 2, 1)
    assert event_partition_quality(session, DAY) == (5, 1, 2)


def test_copies_within_one_load_keep_the_first_by_file_and_line(tmp_path, session):
    landing = LocalLanding(tmp_path / "landing")
    write(landing, key(DAY, "10"), assigned(1), assigned(1))
    write(landing, key(DAY, "11"), assigned(1), assigned(1, agent="Grace"))
    report = load_event_partition(landing, session, DAY)

    assert report.events_inserted == 1 and report.duplicates_in_batch == 2
    assert report.duplicate_conflicts == 1
    assert [row[:2] for row in quarantine(session)] == [(key(DAY, "11"), 2)]
    assert session.query(f"select agent, _source_key, _line_number from {sql.EVENTS_TABLE}") == [
        ("Ada", key(DAY, "10"), 1)
    ]


def test_bad_files_and_records_are_quarantined_with_reasons(tmp_path, session):
    landing = LocalLanding(tmp_path / "landing")
    invalid = assigned(4) | {"eventName": "SatisfactionRated", "data": {"rating": 11}}
    write(
        landing,
        key(DAY, "10"),
        assigned(1),
        b'{"eventName": "TicketAssigned", "eventId": "TKT-1:broken"',
        assigned(2) | {"eventName": "TicketMerged"},
        invalid,
        assigned(5) | {"eventId": None},
        assigned(6) | {"ticketId": ""},
    )
    landing.write(key(DAY, "11"), b"\x1f\x8b\x08\x00 corrupt gzip")
    landing.write(key(DAY, "12"), gzip.compress(orjson.dumps(assigned(7)) * 40)[:-30])
    report = load_event_partition(landing, session, DAY)

    assert report.files_seen == 3 and report.events_inserted == 1
    assert (report.files_partially_quarantined, report.files_quarantined) == (1, 2)
    reasons = [(line, reason) for _, line, _, reason in quarantine(session)]
    assert [line for line, _ in reasons] == [2, 3, 4, 5, 6, None, None]
    assert reasons[0][1].startswith("invalid JSON: ")
    assert reasons[1][1] == "unknown event name 'TicketMerged'"
    assert reasons[2][1].startswith(
        "data of SatisfactionRated does not match the event contract: rating: "
    )
    assert reasons[3][1] == "missing eventId" and reasons[4][1] == "missing ticketId"
    assert reasons[5][1].startswith("unreadable gzip: ")
    assert reasons[6][1] == (
        "unreadable gzip: truncated: the compressed stream ends before its end marker"
    )
    assert ledger(session) == {
        key(DAY, "10"): ("partial", 6, 1, 5),
        key(DAY, "11"): ("quarantined", 1, 0, 1),
        key(DAY, "12"): ("quarantined", 1, 0, 1),
    }
    assert event_partition_quality(session, DAY) == (8, 7, 3)
    again = load_event_partition(landing, session, DAY)
    assert again.files_already_loaded == 3 and again.events_quarantined == 0


def test_days_loaded_out_of_order_give_the_same_events(tmp_path, warehouse_connect):
    """Late files, redeliveries across days, events that occurred before their file's day."""
    landing = LocalLanding(tmp_path / "landing")
    write(landing, key(DAY, "23"), assigned(1), assigned(2, at="23:59:59"))
    # Arrived the next day: a redelivery of event 2, and a new event of the previous day.
    write(landing, key(NEXT, "00"), assigned(2, at="23:59:59"), assigned(3, at="23:58:00"))

    results = []
    for order in ([DAY, NEXT], [NEXT, DAY]):
        with warehouse_connect() as session:
            tables = (sql.EVENTS_TABLE, sql.EVENT_LEDGER_TABLE, sql.EVENT_QUARANTINE_TABLE)
            run_in_transaction(session, [f"drop table if exists {t}" for t in tables])
            reports = [load_event_partition(landing, session, day) for day in order]
            assert sum(r.events_inserted for r in reports) == 3
            assert sum(r.duplicates_skipped for r in reports) == 1
            assert all(r.events_quarantined == 0 for r in reports)
            results.append(
                session.query(
                    f"select event_id, occurred_at, data from {sql.EVENTS_TABLE} order by 1"
                )
            )
    assert results[0] == results[1]
    assert [r[0] for r in results[0]] == [f"TKT-1:TicketAssigned:{n}" for n in (1, 2, 3)]


def test_an_overlapping_run_cannot_load_a_file_twice(tmp_path, session):
    """Two runs that both listed the day before either committed."""
    landing = LocalLanding(tmp_path / "landing")
    write(landing, key(DAY, "10"), assigned(1), b"not json")
    objects = list(landing.list(f"{EVENTS_PREFIX}/"))
    late = parse_event_files(landing, objects, DAY, "loser", datetime(2025, 8, 8, 12))
    load_event_partition(landing, session, DAY, run_id="winner")

    counts = apply_event_batch(session, late.rows, late.quarantine, late.ledger)

    assert counts["files_already_loaded"] == 1
    assert counts["rows_inserted"] == counts["rows_quarantined"] == counts["files_recorded"] == 0
    assert session.query(f"select count(*) from {sql.EVENTS_TABLE}") == [(1,)]
    assert session.query(f"select count(*) from {sql.EVENT_QUARANTINE_TABLE}") == [(1,)]
