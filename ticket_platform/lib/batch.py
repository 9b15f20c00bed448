"""Read and parse a batch of landed files into Arrow rows, quarantine rows and ledger rows.

No database here: the loader (``lib/ingest.py``) gathers batches into transactions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime

import pyarrow as pa

from ticket_platform.lib import warehouse_sql as sql
from ticket_platform.lib.landing import Landing, LandingObject
from ticket_platform.lib.parsing import parse_ticket_file
from ticket_platform.lib.warehouse import arrow_schema

_STAGING_SCHEMA = arrow_schema(sql.STAGING_COLUMNS)


@dataclass
class ParsedBatch:
    tickets: pa.Table
    quarantine: list[dict] = field(default_factory=list)
    ledger: list[dict] = field(default_factory=list)
    bytes_read: int = 0

    @property
    def files(self) -> int:
        return len(self.ledger)

    @staticmethod
    def combine(batches: Sequence[ParsedBatch]) -> ParsedBatch:
        """One batch of several (at least one)."""
        return ParsedBatch(
            tickets=pa.concat_tables([b.tickets for b in batches]),
            quarantine=[row for b in batches for row in b.quarantine],
            ledger=[row for b in batches for row in b.ledger],
            bytes_read=sum(b.bytes_read for b in batches),
        )


def _read_all(
    landing: Landing, objects: Sequence[LandingObject], workers: int
) -> Iterator[tuple[LandingObject, bytes | None, str | None]]:
    def read(obj: LandingObject) -> tuple[LandingObject, bytes | None, str | None]:
        try:
            return obj, landing.read(obj.key), None
        except Exception as error:  # a vanished or unreadable object is quarantined, not fatal
            return obj, None, f"could not read file: {type(error).__name__}: {error}"

    if workers <= 1:
        yield from map(read, objects)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(read, objects)


def parse_files(
    landing: Landing,
    objects: Sequence[LandingObject],
    day: date,
    run_id: str | None,
    loaded_at: datetime,
    max_file_bytes: int,
    read_workers: int = 1,
) -> ParsedBatch:
    """Every file of ``objects`` as staged rows, quarantine rows and one ledger row each."""
    tickets: list[dict] = []
    quarantine: list[dict] = []
    ledger: list[dict] = []
    bytes_read = 0
    for obj, body, read_error in _read_all(landing, objects, read_workers):
        if body is None:
            rows, rejected = [], [(None, read_error or "could not read file", "", None)]
        else:
            parsed = parse_ticket_file(obj.key, body, max_bytes=max_file_bytes)
            rows = parsed.rows
            rejected = [(r.line_number, r.reason, r.raw_text, r.ticket_id) for r in parsed.rejected]
            bytes_read += len(body)
        for row in rows:
            row["_source_key"] = obj.key
            row["_source_etag"] = obj.etag
            row["_partition_date"] = day
            row["_loaded_at"] = loaded_at
            row["_run_id"] = run_id
        tickets += rows
        for line_number, reason, raw_text, ticket_id in rejected:
            quarantine.append(
                quarantine_row(
                    obj, line_number, reason, raw_text, ticket_id, day, loaded_at, run_id
                )
            )
        ledger.append(ledger_row(obj, body, day, len(rows), len(rejected), loaded_at, run_id))
    columns = [
        pa.array([row[name] for row in tickets], type=_STAGING_SCHEMA.field(name).type)
        for name in sql.STAGING_COLUMNS
    ]
    return ParsedBatch(
        tickets=pa.Table.from_arrays(columns, schema=_STAGING_SCHEMA),
        quarantine=quarantine,
        ledger=ledger,
        bytes_read=bytes_read,
    )


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
) -> dict:
    """The ledger's record of one file: what it held and what became of it (any feed)."""
    return {
        "file_key": obj.key,
        "etag": obj.etag,
        "content_md5": hashlib.md5(body, usedforsecurity=False).hexdigest()
        if body is not None
        else None,
        "size_bytes": obj.size,
        "partition_date": day,
        "status": "quarantined" if not accepted else "partial" if rejected else "loaded",
        "records_total": accepted + rejected,
        "rows_accepted": accepted,
        "rows_quarantined": rejected,
        "loaded_at": loaded_at,
        "run_id": run_id,
    }
