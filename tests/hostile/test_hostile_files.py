"""Hostile landing zones: every kind of bad file beside valid tickets of the same day.

Each case lays out the seed system's first 20 real tickets plus one hostile entry, loads the
day on DuckDB and on PostgreSQL, and asserts that the valid tickets load exactly once, that the
hostile entry is quarantined (or reported) with a reason that names it, and that a re-run loads
nothing twice. The corpus is built here; nothing binary is committed.
"""

from __future__ import annotations

import gzip
import os
import signal
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import orjson
import pytest

from ticket_platform.ingest import tickets_sql as sql
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.ingest.tickets import LoadReport, load_partition

DAY = date(2025, 8, 8)
PREFIX = "tickets/2025/08/08/"
VALID = 20


@dataclass(frozen=True)
class Case:
    """A hostile entry: ``build(day_folder, seed_lines)`` makes it and returns its key (relative
    to the landing root); the load must quarantine it with ``reason`` in the reason, or, when
    ``loads`` is set, load that many extra valid rows from it."""

    build: Callable[[Path, list[bytes]], str]
    reason: str | None = None
    loads: int = 0


def _ticket(seed_lines: list[bytes], index: int, **changes: object) -> bytes:
    return orjson.dumps(orjson.loads(seed_lines[index]) | changes)


def _write(folder: Path, name: str, body: bytes) -> str:
    (folder / name).write_bytes(body)
    return PREFIX + name


def _overflow_late(folder, seed):
    body = _ticket(seed, 50, submitted_at="9999-12-31T23:00:00-05:00")
    return _write(folder, "ticket_overflow_late.json", body)


def _overflow_early(folder, seed):
    body = _ticket(seed, 50, submitted_at="0001-01-01T00:30:00+01:00")
    return _write(folder, "ticket_overflow_early.json", body)


def _broken_link(folder, seed):
    (folder / "ticket_broken.json").symlink_to(folder / "no_such_file.json")
    return PREFIX + "ticket_broken.json"


def _link_loop(folder, seed):
    (folder / "ticket_loop_a.json").symlink_to(folder / "ticket_loop_b.json")
    (folder / "ticket_loop_b.json").symlink_to(folder / "ticket_loop_a.json")
    return PREFIX + "ticket_loop_a.json"


def _link_outside(folder, seed):
    secret = folder.parents[4] / "outside" / "secret.json"
    secret.parent.mkdir(exist_ok=True)
    secret.write_bytes(b'{"password": "hunter2"}')
    (folder / "ticket_secret.json").symlink_to(secret)
    return PREFIX + "ticket_secret.json"


def _link_to_valid_ticket_outside(folder, seed):
    outside = folder.parents[4] / "outside" / "ticket_outside.json"
    outside.parent.mkdir(exist_ok=True)
    outside.write_bytes(_ticket(seed, 60))
    (folder / "ticket_outside.json").symlink_to(outside)
    return PREFIX + "ticket_outside.json"


def _linked_folder(folder, seed):
    outside = folder.parents[4] / "outside_folder"
    outside.mkdir()
    (outside / "ticket_x.json").write_bytes(_ticket(seed, 61))
    (folder / "more").symlink_to(outside, target_is_directory=True)
    return PREFIX + "more"


def _fifo(folder, seed):
    os.mkfifo(folder / "ticket_fifo.json")
    return PREFIX + "ticket_fifo.json"


def _undecodable_name(folder, seed):
    name = os.fsencode(folder) + b"/ticket_\xff\xfe.json"
    with open(name, "wb") as handle:
        handle.write(_ticket(seed, 62))
    return PREFIX + "ticket_\\xff\\xfe.json"


def _gzip_cut_at_flush(folder, seed):
    compressor = zlib.compressobj(wbits=31)
    body = compressor.compress(seed[70] + b"\n" + seed[71] + b"\n")
    body += compressor.flush(zlib.Z_SYNC_FLUSH)
    body += compressor.compress(seed[72] + b"\n") + compressor.flush(zlib.Z_SYNC_FLUSH)
    return _write(folder, "tickets_cut.jsonl.gz", body)  # no end marker, no trailer


def _gzip_members(folder, seed):
    body = gzip.compress(seed[73] + b"\n" + seed[74] + b"\n") + gzip.compress(seed[75] + b"\n")
    return _write(folder, "tickets_members.jsonl.gz", body)


def _gzip_trailing_garbage(folder, seed):
    body = gzip.compress(seed[76] + b"\n" + seed[77] + b"\n") + b"this is not gzip"
    return _write(folder, "tickets_garbage.jsonl.gz", body)


def _too_large(folder, seed):
    with open(folder / "ticket_huge.json", "wb") as handle:  # sparse: costs no disk
        handle.truncate(80 * 1024 * 1024)
    return PREFIX + "ticket_huge.json"


def _many_broken_lines(folder, seed):
    return _write(folder, "tickets_broken.jsonl", b"{x\n" * 200_000)


def _nul_in_text(folder, seed):
    body = _ticket(seed, 78, description="before\u0000after")
    return _write(folder, "ticket_nul.json", body)


def _byte_order_mark(folder, seed):
    return _write(folder, "ticket_bom.json", b"\xef\xbb\xbf" + seed[79])


def _bom_json_lines(folder, seed):
    return _write(folder, "tickets_bom.jsonl", b"\xef\xbb\xbf" + seed[80] + b"\n" + seed[81])


def _utf16(folder, seed):
    return _write(folder, "ticket_utf16.json", seed[82].decode().encode("utf-16"))


def _lone_surrogate(folder, seed):
    body = seed[83].replace(b'"description":"', b'"description":"\\ud800 ')
    return _write(folder, "ticket_surrogate.json", body)


def _deep_nesting(folder, seed):
    return _write(folder, "ticket_deep.json", b"[" * 100_000 + b"]" * 100_000)


def _nan(folder, seed):
    body = seed[84].replace(b'"sentiment_score_mixed":', b'"sentiment_score_mixed":NaN,"x":')
    return _write(folder, "ticket_nan.json", body)


def _empty(folder, seed):
    return _write(folder, "ticket_empty.json", b"")


def _sql_in_id(folder, seed):
    body = _ticket(seed, 85, ticket_id="x'); drop table raw.tickets; --")
    return _write(folder, "ticket_sql.json", body)


CASES = {
    "timestamp overflows past 9999 in UTC": Case(_overflow_late, "outside the years 1-9999"),
    "timestamp overflows before year 1 in UTC": Case(_overflow_early, "outside the years 1-9999"),
    "broken symbolic link": Case(_broken_link, "symbolic link: not followed"),
    "symbolic link loop": Case(_link_loop, "symbolic link: not followed"),
    "link to a file outside the landing zone": Case(_link_outside, "symbolic link"),
    "link to a valid ticket outside": Case(_link_to_valid_ticket_outside, "symbolic link"),
    "linked folder inside the day": Case(_linked_folder, "symbolic link"),
    "FIFO named like a ticket": Case(_fifo, "not a regular file (FIFO)"),
    "file name that is not UTF-8": Case(_undecodable_name, "file name is not valid UTF-8"),
    "gzip cut at a flush point": Case(_gzip_cut_at_flush, "truncated"),
    "gzip of two members": Case(_gzip_members, loads=3),
    "gzip with trailing garbage": Case(_gzip_trailing_garbage, "trailing garbage"),
    "file over the size limit": Case(_too_large, "file too large"),
    "200,000 broken lines": Case(_many_broken_lines, "invalid JSON"),
    "NUL inside a valid ticket": Case(_nul_in_text, loads=1),
    "UTF-8 byte-order mark": Case(_byte_order_mark, loads=1),
    "byte-order mark on JSON lines": Case(_bom_json_lines, loads=2),
    "UTF-16": Case(_utf16, "not UTF-8"),
    "lone surrogate escape": Case(_lone_surrogate, "invalid JSON"),
    "100,000 levels of nesting": Case(_deep_nesting, "invalid JSON"),
    "NaN": Case(_nan, "sentiment_score_mixed"),
    "empty file": Case(_empty, "empty file"),
    "SQL in the ticket id": Case(_sql_in_id, "ticket_id"),
}


@pytest.fixture
def day_folder(tmp_path, seed_lines) -> Path:
    landing = LocalLanding(tmp_path / "landing")
    for line in seed_lines[:VALID]:
        ticket = orjson.loads(line)
        landing.write(f"{PREFIX}ticket_{ticket['ticket_id']}.json", line)
    return tmp_path / "landing" / PREFIX


def _load(landing: LocalLanding, session) -> LoadReport:
    def give_up(signum, frame):  # a load that hangs (a FIFO opened blocking) fails the test
        raise TimeoutError("the load hung")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(120)
    try:
        return load_partition(landing, session, DAY, max_file_bytes=64 * 1024 * 1024)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_hostile_file_is_kept_with_its_reason_and_the_day_still_loads(
    case: Case, day_folder: Path, seed_lines, session
):
    key = case.build(day_folder, seed_lines)
    landing = LocalLanding(day_folder.parents[3])
    report = _load(landing, session)

    staged = session.query("select count(*), count(distinct ticket_id) from raw.tickets")
    assert staged == [(VALID + case.loads, VALID + case.loads)]
    reasons = session.query(
        f"select reason, raw_text from {sql.QUARANTINE_TABLE} where file_key = {session.param}",
        (key,),
    )
    if case.reason:
        assert reasons, f"{key} was not quarantined: {report}"
        assert any(case.reason in reason for reason, _ in reasons), reasons
    else:
        assert reasons == []
    assert "hunter2" not in repr(session.query(f"select raw_text from {sql.QUARANTINE_TABLE}"))

    again = _load(landing, session)
    assert (again.rows_inserted, again.rows_quarantined, again.files_unreadable) == (0, 0, 0)
    assert session.query("select count(*), count(distinct ticket_id) from raw.tickets") == staged


def test_quarantine_rows_per_file_are_capped_and_the_rest_counted(day_folder, seed_lines, session):
    key = _many_broken_lines(day_folder, seed_lines)
    _load(LocalLanding(day_folder.parents[3]), session)
    stored = session.query(
        f"select count(*) from {sql.QUARANTINE_TABLE} where file_key = {session.param}", (key,)
    )
    assert stored == [(101,)]  # 100 kept records and one that counts the rest
    ledger = session.query(
        f"select rows_quarantined from {sql.LEDGER_TABLE} where file_key = {session.param}", (key,)
    )
    assert ledger == [(200_000,)]
    counted = session.query(
        f"select reason from {sql.QUARANTINE_TABLE} where file_key = {session.param} "
        "and line_number is null",
        (key,),
    )
    assert "199,900 more rejected record(s)" in counted[0][0]


def test_nul_is_stripped_where_the_engine_cannot_store_it(day_folder, seed_lines, session):
    _nul_in_text(day_folder, seed_lines)
    _load(LocalLanding(day_folder.parents[3]), session)
    ticket_id = orjson.loads(seed_lines[78])["ticket_id"]
    (description,) = session.query(
        f"select description from raw.tickets where ticket_id = {session.param}", (ticket_id,)
    )[0]
    assert description in ("beforeafter", "before\x00after")  # PostgreSQL strips, DuckDB keeps
    if session.dialect != "duckdb":
        assert description == "beforeafter"


def test_a_corrected_file_with_the_old_size_and_mtime_is_reloaded(day_folder, seed_lines, session):
    """``cp -p`` and ``rsync -t`` keep size and mtime; the etag's inode change time and the
    content hash still see the change. A touch with the same bytes reloads nothing."""
    landing = LocalLanding(day_folder.parents[3])
    path = day_folder / "ticket_fix.json"
    original = _ticket(seed_lines, 90, subject="Wrong subject")
    path.write_bytes(original)
    _load(landing, session)
    stat = path.stat()

    corrected = original.replace(b"Wrong subject", b"Right subject")
    assert len(corrected) == len(original)
    path.write_bytes(corrected)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # what cp -p does
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns

    reloaded = _load(landing, session)
    assert (reloaded.files_loaded, reloaded.duplicates_replaced) == (1, 1)
    ticket_id = orjson.loads(seed_lines[90])["ticket_id"]
    subject = f"select subject from raw.tickets where ticket_id = {session.param}"
    assert session.query(subject, (ticket_id,)) == [("Right subject",)]

    path.touch()
    touched = _load(landing, session)
    assert (touched.files_unchanged, touched.files_loaded, touched.rows_inserted) == (1, 0, 0)
    assert _load(landing, session).files_already_loaded == VALID + 1
