"""Several partition days in one load (a backfill run): transactions gather files across days,
every row keeps its own day, and the guarantees of a one-day load hold (DuckDB and PostgreSQL)."""

from datetime import date, timedelta

import orjson

from ticket_platform.ingest import tickets_sql as sql
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.ingest.tickets import (
    TICKETS,
    load_partition,
    load_partitions,
    partition_quality,
)

FIRST = date(2025, 8, 6)
DAYS = [FIRST + timedelta(days=n) for n in range(3)]


def _prefix(day: date) -> str:
    return f"tickets/{day:%Y/%m/%d}/"


def _ticket(line: bytes, **changes) -> bytes:
    return orjson.dumps(orjson.loads(line) | changes)


def _three_days(tmp_path, seed_lines) -> LocalLanding:
    """Ten seed tickets in each of three day folders, and one broken file on the middle day."""
    landing = LocalLanding(tmp_path / "landing")
    for n, day in enumerate(DAYS):
        for line in seed_lines[n * 10 : n * 10 + 10]:
            ticket_id = orjson.loads(line)["ticket_id"]
            landing.write(f"{_prefix(day)}ticket_{ticket_id}.json", line)
    landing.write(f"{_prefix(DAYS[1])}broken.json", b"{not json")
    return landing


class CountingCommits:
    """A session that counts its commits (one per load transaction and one per DDL batch)."""

    def __init__(self, session):
        self._session = session
        self.commits = 0

    def commit(self) -> None:
        self.commits += 1
        self._session.commit()

    def __getattr__(self, name):
        return getattr(self._session, name)


def test_three_days_load_in_one_transaction_each_row_in_its_own_day(tmp_path, seed_lines, session):
    landing = _three_days(tmp_path, seed_lines)
    counting = CountingCommits(session)
    report = load_partitions(landing, counting, DAYS, run_id="backfill")

    assert (report.files_seen, report.files_loaded, report.files_quarantined) == (31, 30, 1)
    assert (report.rows_inserted, report.rows_quarantined) == (30, 1)
    assert report.partition == f"{DAYS[0]}..{DAYS[-1]}"
    assert counting.commits == 2  # the tables' DDL, then one load transaction for all 31 files
    per_day = session.query(
        "select _partition_date, count(*), min(_source_key) from raw.tickets "
        "group by _partition_date order by 1"
    )
    assert [(d, n) for d, n, _ in per_day] == [(day, 10) for day in DAYS]
    assert all(key.startswith(_prefix(d)) for d, _, key in per_day)
    ledger = session.query(
        f"select partition_date, count(*) from {sql.LEDGER_TABLE} group by 1 order by 1"
    )
    assert ledger == [(DAYS[0], 10), (DAYS[1], 11), (DAYS[2], 10)]
    assert session.query(f"select partition_date, file_key from {sql.QUARANTINE_TABLE}") == [
        (DAYS[1], f"{_prefix(DAYS[1])}broken.json")
    ]
    assert partition_quality(session, DAYS[1]) == (11, 1, 11)
    assert partition_quality(session, DAYS[0]) == (10, 0, 10)


def test_a_multi_day_load_gives_what_day_by_day_loads_give(tmp_path, seed_lines, warehouse_connect):
    landing = _three_days(tmp_path, seed_lines)
    query = "select ticket_id, _partition_date, _source_key, subject from raw.tickets order by 1"
    with warehouse_connect() as together:
        load_partitions(landing, together, DAYS)
        rows_together = together.query(query)
    with warehouse_connect() as apart:
        for table in (sql.TICKETS_TABLE, sql.LEDGER_TABLE, sql.QUARANTINE_TABLE):
            apart.execute(f"delete from {table}")
        for day in DAYS:
            load_partition(landing, apart, day)
        assert apart.query(query) == rows_together
    assert len(rows_together) == 30


def test_a_rerun_loads_nothing_and_a_new_day_loads_alone(tmp_path, seed_lines, session):
    landing = _three_days(tmp_path, seed_lines)
    load_partitions(landing, session, DAYS[:2])
    again = load_partitions(landing, session, DAYS)
    assert (again.files_seen, again.files_already_loaded) == (31, 21)
    assert (again.files_loaded, again.rows_inserted, again.rows_quarantined) == (10, 10, 0)
    assert session.query("select count(*) from raw.tickets") == [(30,)]
    assert session.query(f"select count(*) from {sql.QUARANTINE_TABLE}") == [(1,)]


def test_a_ticket_landed_on_two_days_keeps_its_latest_version(tmp_path, seed_lines, session):
    landing = LocalLanding(tmp_path / "landing")
    ticket_id = orjson.loads(seed_lines[0])["ticket_id"]
    landing.write(f"{_prefix(DAYS[0])}ticket_{ticket_id}.json", seed_lines[0])
    later = _ticket(seed_lines[0], processed_at="2025-08-08 23:00:00", subject="redelivered")
    landing.write(f"{_prefix(DAYS[2])}ticket_{ticket_id}.json", later)

    report = load_partitions(landing, session, DAYS)
    assert report.duplicates_in_batch == 1 and report.rows_inserted == 1
    assert session.query("select subject, _partition_date from raw.tickets") == [
        ("redelivered", DAYS[2])
    ]


def test_transactions_hold_about_chunk_files_files_whatever_their_day(
    tmp_path, seed_lines, session
):
    landing = _three_days(tmp_path, seed_lines)
    counting = CountingCommits(session)
    progress: list[tuple[int, int]] = []
    report = TICKETS.load_partitions(
        landing, counting, DAYS, chunk_files=8, on_progress=lambda d, p: progress.append((d, p))
    )
    assert report.rows_inserted == 30 and report.files_quarantined == 1
    # Parse batches hold at most 8 files of one day: 8, 2 | 8, 3 | 8, 2. A transaction closes
    # once it holds 8 files or more, so two of them span two days: 8 | 2+8 | 3+8 | 2. Days are
    # listed as the load reaches them: progress counts the new files found so far.
    assert progress == [(8, 10), (18, 21), (29, 31), (31, 31)]
    assert counting.commits == 1 + 4


def test_no_days_is_an_empty_report(session):
    report = load_partitions(LocalLanding("/nonexistent"), session, [])
    assert (report.partition, report.files_seen, report.rows_inserted) == ("", 0, 0)


def test_worker_processes_load_what_this_process_loads(tmp_path, seed_lines, monkeypatch, caplog):
    from ticket_platform.ingest import parse_pool
    from ticket_platform.warehouse.duckdb_engine import duckdb_session

    monkeypatch.setattr(parse_pool, "MIN_FILES_FOR_PROCESSES", 1)
    landing = _three_days(tmp_path, seed_lines)
    tickets = "select ticket_id, _partition_date, _source_key, _source_etag from raw.tickets"
    ledger = f"select file_key, etag, status, rows_accepted, partition_date from {sql.LEDGER_TABLE}"
    quarantine = f"select file_key, reason from {sql.QUARANTINE_TABLE}"
    results = []
    for processes in (1, 2):
        with duckdb_session(tmp_path / f"{processes}.duckdb") as session:
            report = TICKETS.load_partitions(
                landing, session, DAYS, chunk_files=8, parse_processes=processes
            )
            tables = [sorted(session.query(q)) for q in (tickets, ledger, quarantine)]
            results.append((report.rows_inserted, report.files_quarantined, tables))
    assert results[0] == results[1]
    assert results[0][:2] == (30, 1) and len(results[0][2][1]) == 31
    assert "parse workers stopped" not in caplog.text  # the workers did the parsing
