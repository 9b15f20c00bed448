"""Read and parse a batch of landed files into Arrow rows, quarantine rows and ledger rows.

No database here: the feed loader (``ingest/feed.py``) gathers batches into transactions.

What becomes of a file, for every feed:

* read and parsed: its rows, its rejected records (quarantined) and one ledger row;
* unacceptable as a file (a link, a FIFO, too large, an undecodable name): one quarantine row
  with the reason and a ledger row, so it is not retried until it changes;
* unreadable for now (permission denied, a network error, gone since the listing): reported
  with its key and *not* ledgered, so the next run tries again;
* its content hash equals the one loaded last time (rewritten with the same bytes, touched):
  ledgered as ``unchanged``, nothing reloaded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from ticket_platform.ingest.landing import Landing, LandingObject, RejectedFile, too_large
from ticket_platform.ingest.parsing import ParsedFile, Rejected


@dataclass
class ParsedBatch:
    """A batch of files of one feed: its staged rows, quarantine rows and ledger rows."""

    rows: pa.Table
    quarantine: list[dict] = field(default_factory=list)
    ledger: list[dict] = field(default_factory=list)
    bytes_read: int = 0
    unreadable: list[str] = field(default_factory=list)  # "key: error", retried next run

    @property
    def files(self) -> int:
        return len(self.ledger) + len(self.unreadable)

    @staticmethod
    def combine(batches: Sequence[ParsedBatch]) -> ParsedBatch:
        """One batch of several (at least one)."""
        return ParsedBatch(
            rows=pa.concat_tables([b.rows for b in batches]),
            quarantine=[row for b in batches for row in b.quarantine],
            ledger=[row for b in batches for row in b.ledger],
            bytes_read=sum(b.bytes_read for b in batches),
            unreadable=[key for b in batches for key in b.unreadable],
        )


@dataclass(slots=True)  # one per file read: not frozen, whose __init__ costs four times as much
class LandedFile:
    """One listed file after the read: its bytes, or why there are none."""

    key: str
    obj: LandingObject | None  # None only when a file listed by its key alone could not be read
    body: bytes | None = None
    rejection: str | None = None  # the file is unacceptable: quarantined and ledgered
    read_error: str | None = None  # could not be read now: reported, retried next run
    unchanged: bool = False  # same content hash as the version loaded last


def md5_hex(body: bytes) -> str:
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def read_landed(
    landing: Landing,
    objects: Sequence[LandingObject | str],
    *,
    workers: int = 1,
    max_bytes: int | None = None,
    loaded_digests: Mapping[str, str] | None = None,
) -> Iterator[LandedFile]:
    """Read every object (concurrently with ``workers`` > 1), in order, never raising.

    ``loaded_digests`` maps keys to the content hash of their last fully loaded version; a file
    whose bytes hash the same is marked ``unchanged``. A key without its listing (a local file
    listed by ``list_keys``) gets it from the read (``LocalLanding.read_listed``).
    """
    digests = loaded_digests or {}

    def read(item: LandingObject | str) -> LandedFile:
        if isinstance(item, str):
            return read_key(item)
        obj = item
        if obj.problem:
            return LandedFile(obj.key, obj, rejection=obj.problem)
        if max_bytes is not None and obj.size > max_bytes:
            return LandedFile(obj.key, obj, rejection=str(too_large(obj.size, max_bytes)))
        try:
            body = landing.read(obj.key, max_bytes)
        except RejectedFile as error:
            return LandedFile(obj.key, obj, rejection=str(error))
        except Exception as error:  # permission, network, vanished: try again next run
            return LandedFile(obj.key, obj, read_error=f"{type(error).__name__}: {error}")
        return read_file(obj, body)

    def read_key(key: str) -> LandedFile:
        try:
            obj, body = landing.read_listed(key, max_bytes)  # only LocalLanding lists keys
        except RejectedFile as error:
            return LandedFile(key, error.listed, rejection=str(error))
        except Exception as error:  # permission, vanished: try again next run
            return LandedFile(key, None, read_error=f"{type(error).__name__}: {error}")
        return read_file(obj, body)

    def read_file(obj: LandingObject, body: bytes) -> LandedFile:
        known = digests.get(obj.key)
        unchanged = known is not None and known == md5_hex(body)
        return LandedFile(obj.key, obj, body, unchanged=unchanged)

    if workers <= 1:
        yield from map(read, objects)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(read, objects)


def parse_safely(landed: LandedFile, parse: Callable[[str, bytes], ParsedFile]) -> ParsedFile:
    """``parse`` on a read file; a parser that raises (a bug, not bad input) quarantines the
    file with the error rather than failing the day's load."""
    assert landed.body is not None
    try:
        return parse(landed.key, landed.body)
    except Exception as error:
        reason = f"the parser failed on this file ({type(error).__name__}: {error}); please report"
        return ParsedFile(rejected=[Rejected(None, reason, "")])


def unreadable_message(landed: LandedFile) -> str:
    return f"{landed.key}: could not be read ({landed.read_error}); retried on the next run"


def parse_batch(
    landing: Landing,
    objects: Sequence[LandingObject | str],
    parse: Callable[[str, bytes], ParsedFile],
    schema: pa.Schema,
    day: date,
    run_id: str | None,
    loaded_at: datetime,
    *,
    max_bytes: int,
    workers: int = 1,
    loaded_digests: Mapping[str, str] | None = None,
    quarantine_extra: Callable[[Any], dict] = lambda rejection: {},
) -> ParsedBatch:
    """Read ``objects`` and turn them into staged rows (an Arrow table of ``schema``),
    quarantine rows and one ledger row each (unreadable files excepted: they are listed in
    ``unreadable`` and retried), for any feed whose parser returns a ``ParsedFile``
    (``quarantine_extra`` adds a feed's own quarantine columns, given a rejected record or None
    for a whole-file rejection)."""
    staged: list[dict] = []
    sources: list[tuple[str, str, int]] = []  # (key, etag, rows) per file, in staged order
    quarantine: list[dict] = []
    ledger: list[dict] = []
    unreadable: list[str] = []
    bytes_read = 0
    landed_files = read_landed(
        landing, objects, workers=workers, max_bytes=max_bytes, loaded_digests=loaded_digests
    )
    for landed in landed_files:
        obj = landed.obj
        if landed.read_error:
            unreadable.append(unreadable_message(landed))
            continue
        if landed.unchanged:
            ledger.append(ledger_row(obj, landed.body, day, 0, 0, loaded_at, run_id, "unchanged"))
            continue
        if landed.rejection:
            rejections: list[Any] = [Rejected(None, landed.rejection, "")]
            rows: list[dict] = []
            rejected_count = 1
        else:
            parsed = parse_safely(landed, parse)
            rows, rejections, rejected_count = parsed.rows, parsed.rejected, parsed.records_rejected
            bytes_read += len(landed.body or b"")
        if rows:
            staged += rows
            sources.append((obj.key, obj.etag, len(rows)))
        for r in rejections:
            extra = quarantine_extra(r if not landed.rejection else None)
            quarantine.append(
                quarantine_row(
                    obj, r.line_number, r.reason, r.raw_text, r.ticket_id, day, loaded_at, run_id
                )
                | extra
            )
        ledger.append(
            ledger_row(obj, landed.body, day, len(rows), rejected_count, loaded_at, run_id)
        )
    lineage = _lineage(sources, len(staged), day, loaded_at, run_id)
    table = arrow_rows(staged, schema, lineage)
    return ParsedBatch(table, quarantine, ledger, bytes_read, unreadable)


def _lineage(
    sources: list[tuple[str, str, int]],
    rows: int,
    day: date,
    loaded_at: datetime,
    run_id: str | None,
) -> dict[str, list]:
    """The lineage columns every feed's staged rows carry, built per file, not per row."""
    keys: list[str] = []
    etags: list[str] = []
    for key, etag, count in sources:
        keys += [key] * count
        etags += [etag] * count
    return {
        "_source_key": keys,
        "_source_etag": etags,
        "_partition_date": [day] * rows,
        "_loaded_at": [loaded_at] * rows,
        "_run_id": [run_id] * rows,
    }


def arrow_rows(
    rows: list[dict], schema: pa.Schema, columns: Mapping[str, list] | None = None
) -> pa.Table:
    """``rows`` as a table of ``schema``; a column given in ``columns`` is taken from there."""
    given = columns or {}
    # Arrow reads the row dicts in one pass (60 % of the time of one list per column).
    from_rows = pa.Table.from_pylist(
        rows, schema=pa.schema(f for f in schema if f.name not in given)
    )
    arrays = [
        pa.array(given[f.name], type=f.type) if f.name in given else from_rows.column(f.name)
        for f in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def quarantine_row(
    obj: LandingObject,
    line_number: int | None,
    reason: str,
    raw_text: str,
    ticket_id: str | None,
    day: date,
    loaded_at: datetime,
    run_id: str | None,
) -> dict:
    """The quarantine's record of one rejected record or file (any feed), with its reason."""
    return {
        "file_key": obj.key,
        "etag": obj.etag,
        "line_number": line_number,
        "ticket_id": ticket_id,
        "reason": reason[:4000],
        "raw_text": raw_text,
        "partition_date": day,
        "quarantined_at": loaded_at,
        "run_id": run_id,
    }


def ledger_row(
    obj: LandingObject,
    body: bytes | None,
    day: date,
    accepted: int,
    rejected: int,
    loaded_at: datetime,
    run_id: str | None,
    status: str | None = None,
) -> dict:
    """The ledger's record of one file: what it held and what became of it (any feed)."""
    return {
        "file_key": obj.key,
        "etag": obj.etag,
        "content_md5": md5_hex(body) if body is not None else None,
        "size_bytes": obj.size,
        "partition_date": day,
        "status": status
        or ("quarantined" if not accepted else "partial" if rejected else "loaded"),
        "records_total": accepted + rejected,
        "rows_accepted": accepted,
        "rows_quarantined": rejected,
        "loaded_at": loaded_at,
        "run_id": run_id,
    }
