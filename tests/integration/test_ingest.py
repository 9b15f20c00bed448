"""Landing → raw.tickets on DuckDB and on PostgreSQL: exactly-once, dedupe, quarantine."""

from dataclasses import replace
from datetime import date, datetime

import boto3
import orjson
import pytest
from moto import mock_aws

from ticket_platform.ingest import tickets_sql as sql
from ticket_platform.ingest.landing import LocalLanding, RejectedFile
from ticket_platform.ingest.s3_landing import S3Landing
from ticket_platform.ingest.tickets import (
    TICKETS,
    apply_batch,
    discover_days,
    discover_partitions,
    load_partition,
    partition_quality,
    staged_row_count,
)
from ticket_platform.warehouse.duckdb_engine import duckdb_session
from ticket_platform.warehouse.sql import MergeStep

DAY = date(2025, 8, 8)
PREFIX = "tickets/2025/08/08/"


def _ticket(seed_lines, index=0, **changes) -> bytes:
    return orjson.dumps(orjson.loads(seed_lines[index]) | changes)


def _rows(session, where="1=1"):
    return session.query(f"select ticket_id, processed_at, subject from raw.tickets where {where}")


def test_seed_tickets_load_once_and_a_rerun_loads_nothing(seed_landing, session):
    first = load_partition(seed_landing, session, DAY, run_id="run-1")
    assert (first.files_seen, first.files_loaded, first.rows_inserted) == (100, 100, 100)
    assert first.rows_quarantined == 0 and first.files_already_loaded == 0

    again = load_partition(seed_landing, session, DAY, run_id="run-2")
    assert (again.files_already_loaded, again.files_loaded, again.rows_inserted) == (100, 0, 0)
    assert staged_row_count(session, DAY, DAY) == 100
    ledger = session.query(
        f"select count(*), count(distinct file_key), min(status) from {sql.LEDGER_TABLE}"
    )
    assert ledger == [(100, 100, "loaded")]


def test_chunked_load_gives_the_same_table(seed_landing, session):
    report = load_partition(seed_landing, session, DAY, chunk_files=7)
    assert report.rows_inserted == 100 and report.files_loaded == 100
    assert session.query("select count(distinct ticket_id) from raw.tickets") == [(100,)]


def test_an_overlapping_run_cannot_load_a_file_twice(seed_landing, session):
    """Two runs that both listed the partition before either committed."""
    load_partition(seed_landing, session, DAY, run_id="winner")
    # The loser read the same files; its ledger entries reach the transaction late.
    rows = [
        {
            **row,
            "_source_key": key,
            "_source_etag": etag,
            "_partition_date": DAY,
            "_loaded_at": loaded_at,
            "_run_id": "loser",
        }
        for (key, etag, loaded_at), row in _staged_versions(session)
    ]
    ledger = session.query(f"select {', '.join(sql.LEDGER_COLUMNS)} from {sql.LEDGER_TABLE}")
    ledger_rows = [
        dict(zip(sql.LEDGER_COLUMNS, row, strict=True)) | {"run_id": "loser"} for row in ledger
    ]
    counts = apply_batch(session, rows, [], ledger_rows)
    assert counts["files_already_loaded"] == 100
    assert counts["rows_inserted"] == 0 and counts["files_recorded"] == 0
    assert session.query("select count(*) from raw.tickets") == [(100,)]
    assert session.query(f"select count(*) from {sql.LEDGER_TABLE}") == [(100,)]


def _staged_versions(session):
    cols = ", ".join(sql.TICKET_COLUMNS)
    for row in session.query(
        f"select _source_key, _source_etag, _loaded_at, {cols} from raw.tickets"
    ):
        yield row[:3], dict(zip(sql.TICKET_COLUMNS, row[3:], strict=True))


def test_latest_processed_at_wins_across_files_and_runs(tmp_path, seed_lines, session):
    landing = LocalLanding(tmp_path / "landing")
    ticket_id = orjson.loads(seed_lines[0])["ticket_id"]
    landing.write(PREFIX + "a_first.json", seed_lines[0])
    load_partition(landing, session, DAY)

    # Redelivered with a later processed_at: replaces the staged row.
    newer = _ticket(seed_lines, processed_at="2025-08-08 21:30:00", subject="second version")
    landing.write(PREFIX + "b_newer.json", newer)
    report = load_partition(landing, session, DAY)
    assert report.duplicates_replaced == 1 and report.rows_inserted == 1
    assert _rows(session) == [(ticket_id, _rows(session)[0][1], "second version")]

    # Redelivered with an older processed_at: kept in the ledger, not staged.
    older = _ticket(seed_lines, processed_at="2025-08-08 20:55:00", subject="stale version")
    landing.write(PREFIX + "c_older.json", older)
    report = load_partition(landing, session, DAY)
    assert report.stale_versions_skipped == 1 and report.rows_inserted == 0
    assert [r[2] for r in _rows(session)] == ["second version"]


def test_two_versions_in_one_batch_keep_the_latest(tmp_path, seed_lines, session):
    landing = LocalLanding(tmp_path / "landing")
    landing.write(
        PREFIX + "v1.json",
        _ticket(seed_lines, processed_at="2025-08-08 22:00:00", subject="latest"),
    )
    landing.write(
        PREFIX + "v2.jsonl", _ticket(seed_lines, subject="earliest") + b"\n" + seed_lines[1]
    )
    report = load_partition(landing, session, DAY)
    assert report.duplicates_in_batch == 1 and report.rows_inserted == 2
    assert (
        sorted(r[2] for r in _rows(session))[0]
        == "EventBridge Event Pattern Matching - Minor Query"
    )
    assert "latest" in [r[2] for r in _rows(session)]


def test_broken_files_are_quarantined_with_reasons_and_never_retried(tmp_path, seed_lines, session):
    landing = LocalLanding(tmp_path / "landing")
    landing.write(PREFIX + "good.json", seed_lines[0])
    broken = {
        "truncated.json": seed_lines[1][:120],
        "empty.json": b"",
        "not_json.json": b"<html>503 Service Unavailable</html>",
        "wrong_types.json": _ticket(seed_lines, 2, sentiment_score_positive="very"),
        "missing_id.json": orjson.dumps(
            {k: v for k, v in orjson.loads(seed_lines[3]).items() if k != "ticket_id"}
        ),
        "bomb.json": b"[" * 100_000,
        "garbage.json": bytes(range(256)) * 8,
    }
    for name, body in broken.items():
        landing.write(PREFIX + name, body)
    landing.write(PREFIX + "mixed.jsonl", seed_lines[4] + b"\n{broken\n" + seed_lines[5])

    report = load_partition(landing, session, DAY, run_id="r1")
    assert report.rows_inserted == 3
    assert report.files_quarantined == len(broken) and report.files_partially_quarantined == 1
    assert report.rows_quarantined == len(broken) + 1

    reasons = dict(
        session.query(f"select file_key, reason from {sql.QUARANTINE_TABLE} order by file_key")
    )
    assert reasons[PREFIX + "empty.json"] == "empty file"
    assert reasons[PREFIX + "truncated.json"].startswith("invalid JSON")
    assert "sentiment_score_positive" in reasons[PREFIX + "wrong_types.json"]
    assert "ticket_id: Field required" in reasons[PREFIX + "missing_id.json"]
    assert reasons[PREFIX + "garbage.json"].startswith("not UTF-8")
    assert session.query(
        f"select line_number from {sql.QUARANTINE_TABLE} where file_key = '{PREFIX}mixed.jsonl'"
    ) == [(2,)]
    records = 1 + len(broken) + 3  # good.json, one per broken file, three lines of mixed.jsonl
    assert report.records_read == records
    assert partition_quality(session, DAY) == (records, len(broken) + 1, len(broken) + 2)

    again = load_partition(landing, session, DAY, run_id="r2")
    assert again.rows_quarantined == 0 and again.files_already_loaded == len(broken) + 2
    assert session.query(f"select count(*) from {sql.QUARANTINE_TABLE}") == [(len(broken) + 1,)]


def test_a_fixed_file_is_loaded_when_it_changes(tmp_path, seed_lines, session):
    landing = LocalLanding(tmp_path / "landing")
    landing.write(PREFIX + "t.json", seed_lines[0][:50])
    assert load_partition(landing, session, DAY).files_quarantined == 1
    landing.write(PREFIX + "t.json", seed_lines[0])  # re-uploaded, new etag
    report = load_partition(landing, session, DAY)
    assert report.files_loaded == 1 and report.rows_inserted == 1
    assert session.query("select count(*) from raw.tickets") == [(1,)]


def test_discover_partitions_reports_keys_outside_the_layout(seed_landing):
    seed_landing.write("tickets/readme.json", b"{}")
    seed_landing.write("tickets/2025/13/01/ticket_x.json", b"{}")
    days, strays = discover_partitions(seed_landing.list("tickets/"))
    assert days == [DAY]
    assert sorted(strays) == ["tickets/2025/13/01/ticket_x.json", "tickets/readme.json"]


@mock_aws
def test_s3_landing_into_duckdb_with_more_than_1000_files(tmp_path, seed_lines):
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="lake")
    landing = S3Landing(client, "lake", "landing")
    base = orjson.loads(seed_lines[0])
    for i in range(1_050):
        record = base | {"ticket_id": f"TKT-20250808-{i:06d}"}
        landing.write(f"{PREFIX}ticket_{record['ticket_id']}.json", orjson.dumps(record))
    with duckdb_session(tmp_path / "w.duckdb") as session:
        report = load_partition(landing, session, DAY, read_workers=8)
        assert report.files_seen == 1_050 and report.rows_inserted == 1_050
        assert load_partition(landing, session, DAY).files_already_loaded == 1_050


def test_a_file_that_cannot_be_read_is_reported_and_retried_next_run(
    tmp_path, seed_lines, session, monkeypatch
):
    """A read error (permission, a throttled GET) says nothing about the file: it is named in
    the report, not ledgered, and the next run loads it once the cause is gone."""
    landing = LocalLanding(tmp_path / "landing")
    landing.write(PREFIX + "ticket_locked.json", seed_lines[0])
    with monkeypatch.context() as patched:
        patched.setattr(  # where every local read opens the file (read and read_listed)
            landing,
            "_read",
            lambda key, max_bytes=None: (_ for _ in ()).throw(PermissionError("denied")),
        )
        report = load_partition(landing, session, DAY)
    assert (report.files_unreadable, report.files_quarantined, report.rows_inserted) == (1, 0, 0)
    assert any(PREFIX + "ticket_locked.json" in e and "PermissionError" in e for e in report.errors)
    assert session.query(f"select count(*) from {sql.LEDGER_TABLE}") == [(0,)]
    assert session.query(f"select count(*) from {sql.QUARANTINE_TABLE}") == [(0,)]

    retried = load_partition(landing, session, DAY)
    assert (retried.files_loaded, retried.rows_inserted, retried.files_unreadable) == (1, 1, 0)


def test_partition_quality_counts_every_load(seed_landing, session):
    load_partition(seed_landing, session, DAY)
    assert partition_quality(session, DAY) == (100, 0, 100)
    assert partition_quality(session, date(2025, 8, 9)) == (0, 0, 0)


def _landing_with_strays(landing):
    for key in (
        "tickets/2025/08/09/ticket_a.json",
        "tickets/2025/08/09/ticket_b.json",
        "tickets/2024/12/31/ticket_c.json",
        "tickets/readme.json",
        "tickets/2025/13/01/ticket_x.json",
        "tickets/2025/08/notes.txt",
    ):
        landing.write(key, b"{}")
    return landing


def test_discover_days_walks_folders_and_reports_strays(tmp_path):
    landing = _landing_with_strays(LocalLanding(tmp_path / "landing"))
    (tmp_path / "landing/tickets/2025/08/10").mkdir()  # an empty day is not a partition
    days, strays = discover_days(landing)
    assert days == [date(2024, 12, 31), date(2025, 8, 9)]
    assert sorted(strays) == [
        "tickets/2025/08/notes.txt",
        "tickets/2025/13/01/ticket_x.json",
        "tickets/readme.json",
    ]
    assert (days, sorted(strays)) == tuple(
        sorted(x) for x in discover_partitions(landing.list("tickets/"))
    )


@mock_aws
def test_discover_days_on_s3_matches_a_full_listing():
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="lake")
    landing = _landing_with_strays(S3Landing(client, "lake", "landing"))
    days, strays = discover_days(landing)
    full_days, full_strays = discover_partitions(landing.list("tickets/"))
    assert days == full_days == [date(2024, 12, 31), date(2025, 8, 9)]
    assert sorted(strays) == sorted(full_strays)


@mock_aws
def test_s3_objects_over_the_limit_are_quarantined_unread(tmp_path, seed_lines):
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="lake")
    landing = S3Landing(client, "lake", "landing")
    landing.write(PREFIX + "ticket_small.json", seed_lines[0])
    landing.write(PREFIX + "ticket_big.json", seed_lines[1] + b" " * 5_000)
    limit = len(seed_lines[0]) + 10
    with duckdb_session(tmp_path / "w.duckdb") as session:
        report = load_partition(landing, session, DAY, max_file_bytes=limit)
        reasons = session.query(f"select file_key, reason from {sql.QUARANTINE_TABLE}")
    assert (report.rows_inserted, report.files_quarantined) == (1, 1)
    assert reasons == [(PREFIX + "ticket_big.json", reasons[0][1])]
    assert reasons[0][1].startswith("file too large")
    # A body that grew after the listing is cut at the limit, never read whole.
    with pytest.raises(RejectedFile, match="file too large"):
        landing.read(PREFIX + "ticket_big.json", max_bytes=limit)


# One transaction of _every_kind_of_version, on every engine.
EXPECTED_COUNTS = {
    "files_already_loaded": 2,
    "batch_rows": 4,
    "stale_versions_skipped": 1,
    "duplicates_replaced": 1,
    "rows_inserted": 2,
    "rows_quarantined": 1,
    "files_recorded": 5,
    "status_loaded": 4,
    "status_quarantined": 1,
}


def _every_kind_of_version(landing, seed_lines, session):
    """Two staged tickets, then one transaction holding a file of each kind: two files loaded
    already, a replacing version, a later one of the same ticket in the batch, a stale version,
    a new ticket and an unparseable file."""
    landing.write(PREFIX + "a_staged.json", seed_lines[0])
    landing.write(PREFIX + "b_staged.json", seed_lines[1])
    load_partition(landing, session, DAY, run_id="first")
    for name, body in {
        "c_newer.json": _ticket(seed_lines, 0, processed_at="2025-08-08 21:30:00", subject="newer"),
        "d_newest.json": _ticket(
            seed_lines, 0, processed_at="2025-08-08 22:00:00", subject="newest"
        ),
        "e_stale.json": _ticket(seed_lines, 1, processed_at="2025-08-08 20:54:28", subject="stale"),
        "f_new.json": seed_lines[2],
        "g_broken.json": b"{broken",
    }.items():
        landing.write(PREFIX + name, body)
    objects = sorted(landing.list(PREFIX), key=lambda o: o.key)
    return TICKETS.parse_files(landing, objects, DAY, "second", datetime(2025, 8, 9))


def test_one_transaction_of_every_kind_counts_alike_on_each_engine(tmp_path, seed_lines, session):
    """The DuckDB merge moves keys and reads the rows in place, the server engines move whole
    rows: the counts and the staged rows are the same."""
    batch = _every_kind_of_version(LocalLanding(tmp_path / "landing"), seed_lines, session)
    counts = apply_batch(session, batch.rows, batch.quarantine, batch.ledger)
    assert {name: counts[name] for name in EXPECTED_COUNTS} == EXPECTED_COUNTS
    subjects = dict(session.query("select ticket_id, subject from raw.tickets"))
    first, second, third = (orjson.loads(seed_lines[i]) for i in range(3))
    assert subjects == {
        first["ticket_id"]: "newest",
        second["ticket_id"]: second["subject"],
        third["ticket_id"]: third["subject"],
    }
    keys = session.query("select _source_key from raw.tickets order by _source_key")
    assert keys == [(PREFIX + name,) for name in ("b_staged.json", "d_newest.json", "f_new.json")]


def test_a_failed_load_transaction_leaves_nothing_behind(tmp_path, seed_lines, session):
    """A statement failing after the insert rolls the whole transaction back; on DuckDB the
    rows read in place are released too, and the next load of the same batch succeeds."""
    batch = _every_kind_of_version(LocalLanding(tmp_path / "landing"), seed_lines, session)
    before = session.query(f"select * from {sql.TICKETS_TABLE} order by ticket_id")
    steps = sql.merge_steps(session.dialect)
    failing = replace(
        TICKETS, merge_steps=lambda dialect: [*steps[:-1], MergeStep("select * from no_such")]
    )
    with pytest.raises(Exception, match="no_such"):
        failing.apply_batch(session, batch.rows, batch.quarantine, batch.ledger)
    assert session.query(f"select * from {sql.TICKETS_TABLE} order by ticket_id") == before
    assert session.query(f"select count(*) from {sql.QUARANTINE_TABLE}") == [(0,)]
    if session.dialect == "duckdb":
        with pytest.raises(Exception, match=sql.TICKETS_ROWS):
            session.query(f"select count(*) from {sql.TICKETS_ROWS}")
    counts = apply_batch(session, batch.rows, batch.quarantine, batch.ledger)
    assert {name: counts[name] for name in EXPECTED_COUNTS} == EXPECTED_COUNTS
