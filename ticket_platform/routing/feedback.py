"""Analysts' routing corrections: ``feedback/**.csv|.json|.jsonl`` files → ``routing.feedback``.

A file holds rows of ``ticket_id, correct_team, corrected_by, corrected_at``: a CSV with that
header (Excel's UTF-8 BOM is fine), a JSON object or array of objects, or JSON lines. Each row is
checked against ``contracts.RoutingCorrection`` and the configured teams. The load keeps the
ticket load's discipline: a file version (key, etag) is loaded once and recorded in
``routing.feedback_ledger``; every rejected row, and every unreadable file, is kept in
``routing.feedback_quarantine`` with its reason; one transaction per load, so a failure leaves
nothing half-written. Re-loading a rewritten file replaces its rows (the key is ticket, corrector
and time), so nothing is counted twice.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import orjson
from pydantic import ValidationError

from ticket_platform.contracts import RoutingCorrection
from ticket_platform.ingest.batch import ledger_row, quarantine_row, read_landed, unreadable_message
from ticket_platform.ingest.landing import Landing, LandingObject
from ticket_platform.ingest.landing_scan import pending_files
from ticket_platform.ingest.parsing import (
    DEFAULT_MAX_FILE_BYTES,
    bounded_text,
    describe_validation_error,
)
from ticket_platform.routing import sql
from ticket_platform.warehouse.session import WarehouseSession, replace_many

FEEDBACK_PREFIX = "feedback/"
FEEDBACK_SUFFIXES = (".csv", ".json", ".jsonl", ".ndjson")
FIELDS = ("ticket_id", "correct_team", "corrected_by", "corrected_at")
MAX_FEEDBACK_FILE_BYTES = 16 * 1024 * 1024
FUTURE_SLACK = timedelta(hours=1)  # clock skew allowed on corrected_at


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line_number: int | None  # 1-based record number; None = the whole file
    reason: str
    raw_text: str
    ticket_id: str | None = None


@dataclass(slots=True)
class ParsedFeedback:
    rows: list[dict] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)


def _records(key: str, body: bytes) -> list[tuple[int, object, str]]:
    """(record number, record, raw text) of every record; raises ValueError for a bad file."""
    text = body.decode("utf-8-sig")
    lower = key.lower()
    if lower.endswith(".csv"):
        reader = csv.DictReader(io.StringIO(text))
        missing = [name for name in FIELDS if name not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(
                f"CSV header lacks {', '.join(missing)} (expected {','.join(FIELDS)}, "
                f"got {','.join(reader.fieldnames or ()) or 'no header'})"
            )
        return [(n, row, ",".join(map(str, row.values()))) for n, row in enumerate(reader, 1)]
    if lower.endswith((".jsonl", ".ndjson")):
        out: list[tuple[int, object, str]] = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    out.append((n, orjson.loads(line), line))
                except orjson.JSONDecodeError as error:
                    out.append((n, error, line))
        return out
    document = orjson.loads(text)
    records = document if isinstance(document, list) else [document]
    return [(n, r, orjson.dumps(r).decode()) for n, r in enumerate(records, 1)]


def parse_feedback_file(
    key: str, body: bytes, teams: Collection[str], now: datetime | None = None
) -> ParsedFeedback:
    """Valid correction rows and rejected ones, with readable reasons; never raises."""
    parsed = ParsedFeedback()
    if not key.lower().endswith(FEEDBACK_SUFFIXES):
        reason = f"unsupported file type; feedback files are {', '.join(FEEDBACK_SUFFIXES)}"
        parsed.rejected.append(RejectedRow(None, reason, bounded_text(body)))
        return parsed
    if len(body) > MAX_FEEDBACK_FILE_BYTES:
        reason = f"file is {len(body):,} bytes; the limit is {MAX_FEEDBACK_FILE_BYTES:,}"
        parsed.rejected.append(RejectedRow(None, reason, bounded_text(body)))
        return parsed
    try:
        records = _records(key, body)
    except (ValueError, UnicodeDecodeError, csv.Error) as error:
        parsed.rejected.append(RejectedRow(None, f"unreadable file: {error}", bounded_text(body)))
        return parsed
    by_name = {team.casefold(): team for team in teams}
    latest_allowed = (now or datetime.now(UTC)) + FUTURE_SLACK
    for number, record, raw in records:
        ticket_id = record.get("ticket_id") if isinstance(record, dict) else None

        def reject(
            reason: str, ticket_id: object = ticket_id, raw: str = raw, number: int = number
        ) -> None:
            shown = str(ticket_id)[:64] if ticket_id else None
            parsed.rejected.append(RejectedRow(number, reason, bounded_text(raw), shown))

        if isinstance(record, Exception):
            reject(f"invalid JSON: {record}")
            continue
        if not isinstance(record, dict):
            reject(f"a correction must be an object, not {type(record).__name__}")
            continue
        try:
            correction = RoutingCorrection.model_validate(record)
        except ValidationError as error:
            reject(f"does not match the correction contract: {describe_validation_error(error)}")
            continue
        team = by_name.get(correction.correct_team.casefold())
        if team is None:
            reject(
                f"unknown team {correction.correct_team!r}; teams are "
                f"{', '.join(sorted(teams))} (dbt_project/seeds/product_teams.csv)"
            )
            continue
        if correction.corrected_at > latest_allowed:
            reject(f"corrected_at {correction.corrected_at.isoformat()} is in the future")
            continue
        parsed.rows.append(
            {
                "ticket_id": correction.ticket_id,
                "correct_team": team,
                "corrected_by": correction.corrected_by,
                "corrected_at": correction.corrected_at.replace(tzinfo=None),
                "_line_number": number,
            }
        )
    return parsed


@dataclass
class FeedbackLoadReport:
    files_seen: int = 0
    files_already_loaded: int = 0
    files_loaded: int = 0
    files_quarantined: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    duplicates_in_load: int = 0
    errors: list[str] = field(default_factory=list)  # unreadable files, retried next load

    @property
    def quarantine_rate(self) -> float:
        total = self.rows_loaded + self.rows_quarantined + self.duplicates_in_load
        return self.rows_quarantined / total if total else 0.0


def loaded_feedback_files(session: WarehouseSession) -> set[tuple[str, str]]:
    return set(session.query(f"select file_key, etag from {sql.FEEDBACK_LEDGER_TABLE}"))


def pending_feedback_files(
    landing: Landing, loaded: Collection[tuple[str, str]]
) -> tuple[list[LandingObject], int]:
    """(files under ``feedback/`` the ledger has not loaded, how many files were listed)."""
    listed = list(landing.list(FEEDBACK_PREFIX))
    return pending_files(listed, loaded), len(listed)


def load_feedback(
    landing: Landing,
    session: WarehouseSession,
    teams: Collection[str],
    *,
    run_id: str | None,
    read_workers: int = 4,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> FeedbackLoadReport:
    """Load every feedback file the ledger has not seen, in one transaction."""
    report = FeedbackLoadReport()
    pending, report.files_seen = pending_feedback_files(landing, loaded_feedback_files(session))
    report.files_already_loaded = report.files_seen - len(pending)
    if not pending:
        return report
    loaded_at = now().replace(tzinfo=None)
    today: date = loaded_at.date()
    rows: dict[tuple, dict] = {}
    quarantine: list[dict] = []
    ledger: list[dict] = []
    for landed in read_landed(
        landing, pending, workers=read_workers, max_bytes=DEFAULT_MAX_FILE_BYTES
    ):
        obj, body = landed.obj, landed.body
        if landed.read_error:  # not ledgered: the next load tries again
            report.errors.append(unreadable_message(landed))
            continue
        if body is None:
            parsed = ParsedFeedback(rejected=[RejectedRow(None, landed.rejection or "", "")])
        else:
            parsed = parse_feedback_file(obj.key, body, teams, now=now())
        for row in parsed.rows:
            row |= {
                "_source_key": obj.key,
                "_source_etag": obj.etag,
                "_loaded_at": loaded_at,
                "_run_id": run_id,
            }
            key = tuple(row[c] for c in sql.FEEDBACK_KEY)
            report.duplicates_in_load += key in rows
            rows[key] = row  # the same correction twice: the later file or line wins
        quarantine += [
            quarantine_row(
                obj, r.line_number, r.reason, r.raw_text, r.ticket_id, today, loaded_at, run_id
            )
            for r in parsed.rejected
        ]
        ledger.append(
            ledger_row(obj, body, today, len(parsed.rows), len(parsed.rejected), loaded_at, run_id)
        )
        report.files_loaded += bool(parsed.rows)
        report.files_quarantined += not parsed.rows
        report.rows_quarantined += len(parsed.rejected)
    report.rows_loaded = len(rows)
    file_key = ("file_key", "etag")
    replace_many(
        session,
        [
            (sql.FEEDBACK_TABLE, sql.FEEDBACK_KEY, sql.FEEDBACK_COLUMNS, list(rows.values())),
            (sql.FEEDBACK_QUARANTINE_TABLE, file_key, sql.FEEDBACK_QUARANTINE_COLUMNS, quarantine),
            (sql.FEEDBACK_LEDGER_TABLE, file_key, sql.FEEDBACK_LEDGER_COLUMNS, ledger),
        ],
        batch=sql.ROUTING_BATCH,
    )
    return report


def quarantine_reasons(session: WarehouseSession, limit: int = 20) -> dict[str, int]:
    """The most frequent quarantine reasons (first 120 characters) over every load."""
    rows = session.query(
        f"select substring(reason, 1, 120) as reason, count(*) as n "
        f"from {sql.FEEDBACK_QUARANTINE_TABLE} group by 1 order by n desc, reason limit {int(limit)}"
    )
    return {reason: int(n) for reason, n in rows}


def feedback_summary(session: WarehouseSession) -> tuple[int, datetime | None]:
    """(corrections stored, load time of the newest)."""
    count, newest = session.query(f"select count(*), max(_loaded_at) from {sql.FEEDBACK_TABLE}")[0]
    return int(count), newest


def corrections_since(session: WarehouseSession, since: datetime | None) -> int:
    """Corrections loaded after ``since`` (all of them when None): the retrain trigger's count."""
    if since is None:
        return feedback_summary(session)[0]
    return int(
        session.query(
            f"select count(*) from {sql.FEEDBACK_TABLE} where _loaded_at > {session.param}",
            [since],
        )[0][0]
    )
