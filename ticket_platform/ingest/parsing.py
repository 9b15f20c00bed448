"""Turn the bytes of one landed file into valid tickets and quarantine records.

A file may hold one ticket object (the real-time path's S3 writer), a JSON array of tickets, or
JSON lines of many (the seed system's unload shape), optionally gzip-compressed, optionally
starting with a UTF-8 byte-order mark (RFC 8259 lets a parser ignore it; Windows exporters write
it). Nothing here raises on bad input: every problem becomes a ``Rejected`` record with a
human-readable reason. A file's first ``MAX_REJECTIONS_KEPT`` rejected records are kept; the rest
are counted in one closing record, so a file of millions of broken lines cannot exhaust memory.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import orjson
from pydantic import ValidationError

from ticket_platform.contracts import ProcessedTicket, ticket_row

RAW_TEXT_LIMIT = 2_000  # characters of the offending input kept in quarantine
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024
TICKET_FILE_SUFFIXES = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz")
MAX_REJECTIONS_KEPT = 100  # rejected records stored per file; the rest are counted
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Rejected:
    line_number: int | None  # 1-based line (JSON lines) or array index + 1; None = whole file
    reason: str
    raw_text: str
    ticket_id: str | None = None


@dataclass(slots=True)
class ParsedFile:
    rows: list[dict] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    rejections_not_kept: int = 0
    closed: bool = False

    @property
    def records_total(self) -> int:
        return len(self.rows) + self.records_rejected

    @property
    def records_rejected(self) -> int:
        """Every rejected record, stored or only counted (the counting record excluded)."""
        counting_record = 1 if self.rejections_not_kept else 0
        return len(self.rejected) + self.rejections_not_kept - self.closed * counting_record

    def reject(self, rejection: Rejected) -> None:
        if len(self.rejected) < MAX_REJECTIONS_KEPT:
            self.rejected.append(rejection)
        else:
            self.rejections_not_kept += 1

    def close(self) -> ParsedFile:
        """Add the record that counts the rejections not kept (a file's last word)."""
        if self.rejections_not_kept and not self.closed:
            self.rejected.append(
                self.counting_record(
                    f"{self.rejections_not_kept:,} more rejected record(s) in this file were "
                    f"counted but not stored (the first {MAX_REJECTIONS_KEPT} are)"
                )
            )
        self.closed = True
        return self

    def counting_record(self, reason: str) -> Rejected:
        return Rejected(None, reason, "")


def strip_bom(body: bytes) -> bytes:
    return body[len(UTF8_BOM) :] if body.startswith(UTF8_BOM) else body


def iter_lines(body: bytes) -> Iterator[tuple[int, bytes]]:
    """(1-based number, line) of every non-blank line, without splitting the body up front."""
    for number, line in enumerate(io.BytesIO(body), start=1):
        if line.strip():
            yield number, line


def gunzip_members(body: bytes, max_bytes: int) -> bytes:
    """Every gzip member of ``body`` (concatenated files are valid gzip), at most ``max_bytes``.

    Raises ``ValueError`` on a stream cut short (even at a flush point, where zlib would
    happily return what it has) and on trailing bytes that are not another member or zero
    padding: a damaged file is quarantined whole, never half loaded.
    """
    out = bytearray()
    rest = body
    while rest:
        inflater = zlib.decompressobj(wbits=31)
        out += inflater.decompress(rest, max_bytes + 1 - len(out))
        if len(out) > max_bytes or inflater.unconsumed_tail:
            raise ValueError(f"decompresses to more than {max_bytes} bytes")
        if not inflater.eof:
            raise ValueError("truncated: the compressed stream ends before its end marker")
        rest = inflater.unused_data
        if rest and rest[:2] != b"\x1f\x8b":
            if rest.strip(b"\x00"):
                raise ValueError(f"{len(rest)} bytes of trailing garbage after the gzip stream")
            break  # zero padding after the last member is tolerated
    return bytes(out)


def file_content(body: bytes, max_bytes: int) -> bytes | Rejected:
    """What every feed's parser does first: the bytes of a landed file within ``max_bytes``,
    gunzipped (every member), without a byte-order mark and not blank; or the rejection of the
    whole file, with an excerpt of the bytes as landed."""
    if len(body) > max_bytes:
        reason = f"file too large: {len(body)} bytes (limit {max_bytes})"
        return Rejected(None, reason, bounded_text(body[:200]))
    content = body
    if body[:2] == b"\x1f\x8b":
        try:
            content = gunzip_members(body, max_bytes)
        except (zlib.error, ValueError) as error:
            return Rejected(None, f"unreadable gzip: {error}", bounded_text(body[:200]))
    content = strip_bom(content)
    if not content or content.isspace():
        return Rejected(None, "empty file", bounded_text(body))
    return content


def bounded_text(raw: bytes | str, limit: int = RAW_TEXT_LIMIT) -> str:
    """A printable, NUL-free excerpt of raw input (PostgreSQL and Redshift reject NUL in text)."""
    if isinstance(raw, bytes):
        raw = raw[: limit * 4].decode("utf-8", errors="backslashreplace")
    text = raw.replace("\x00", "\\x00")
    return text[:limit] + ("…" if len(text) > limit else "")


def describe_validation_error(error: ValidationError, limit: int = 3) -> str:
    parts = []
    for item in error.errors(include_url=False)[:limit]:
        location = ".".join(str(p) for p in item["loc"]) or "record"
        message = item["msg"]
        if item["type"] not in ("missing", "json_invalid") and "input" in item:
            shown = repr(item["input"])
            message += f" (got {shown[:80]}{'…' if len(shown) > 80 else ''})"
        parts.append(f"{location}: {message}")
    extra = error.error_count() - limit
    if extra > 0:
        parts.append(f"and {extra} more error(s)")
    return "; ".join(parts)


def _reject_reason(raw: bytes, error: ValidationError) -> tuple[str, str | None]:
    first = error.errors(include_url=False)[0]
    if first["type"] == "json_invalid":
        return f"invalid JSON: {first['msg'].removeprefix('Invalid JSON: ')}", None
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError:
        parsed = None
    ticket_id = None
    if isinstance(parsed, dict):
        ticket_id = parsed.get("ticket_id") or parsed.get("ticketId")
        ticket_id = str(ticket_id)[:64] if ticket_id is not None else None
        if "eventName" in parsed and "ticket_id" not in parsed:
            return (
                "a Kinesis ticket event, not a processed ticket: events are loaded from the "
                "events/ prefix, tickets from tickets/",
                ticket_id,
            )
    return f"does not match the ticket contract: {describe_validation_error(error)}", ticket_id


def _validate(raw: bytes, line_number: int | None, out: ParsedFile) -> None:
    try:
        ticket = ProcessedTicket.model_validate_json(raw)
    except ValidationError as error:
        if len(out.rejected) >= MAX_REJECTIONS_KEPT:
            out.rejections_not_kept += 1  # counted without building its reason and excerpt
            return
        reason, ticket_id = _reject_reason(raw, error)
        out.reject(Rejected(line_number, reason, bounded_text(raw), ticket_id))
        return
    out.rows.append(ticket_row(ticket))


def parse_ticket_file(
    key: str, body: bytes, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> ParsedFile:
    """Parse one landed file into warehouse rows and rejected records."""
    return _parse_ticket_file(key, body, max_bytes).close()


def _parse_ticket_file(key: str, body: bytes, max_bytes: int) -> ParsedFile:
    out = ParsedFile()
    one_ticket = body[:1] == b"{" and _one_line(body)  # nearly every file: the S3 writer's
    if one_ticket and len(body) <= max_bytes and key.endswith(TICKET_FILE_SUFFIXES):
        return _parse_one_object(body, out)

    def reject_file(reason: str, raw: bytes = body) -> ParsedFile:
        out.rejected.append(Rejected(None, reason, bounded_text(raw)))
        return out

    if not key.endswith(TICKET_FILE_SUFFIXES):
        return reject_file(
            f"not a ticket file: expected one of {', '.join(TICKET_FILE_SUFFIXES)}", body[:200]
        )
    content = file_content(body, max_bytes)
    if isinstance(content, Rejected):
        out.rejected.append(content)
        return out
    body = content
    first_char = body[:1] if not body[:1].isspace() else body.lstrip()[:1]
    if first_char != b"[" and b"\n" not in body.strip():
        return _parse_one_object(body, out)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        return reject_file(f"not UTF-8 text (byte {error.start}): binary or mis-encoded file")

    if first_char == b"[":
        return _parse_array(body, out, reject_file)
    if not _looks_like_json_lines(body):
        # One document (possibly pretty-printed over several lines).
        _validate(body, None, out)
        return out
    for number, line in iter_lines(body):
        _validate(line, number, out)
    return out


def _one_line(body: bytes) -> bool:
    """No line break, or only trailing whitespace after the first one."""
    newline = body.find(b"\n")
    return newline == -1 or body[newline:].isspace()


def _parse_one_object(body: bytes, out: ParsedFile) -> ParsedFile:
    """One ticket per file, validated straight from its bytes."""
    _validate(body, None, out)
    if out.rejected and out.rejected[0].reason.startswith("invalid JSON"):
        _explain_encoding(body, out)
    return out


def _explain_encoding(body: bytes, out: ParsedFile) -> None:
    """Binary garbage reads better as 'not UTF-8' than as a JSON syntax error."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        first = out.rejected[0]
        out.rejected[0] = Rejected(
            first.line_number,
            f"not UTF-8 text (byte {error.start}): binary or mis-encoded file",
            first.raw_text,
            first.ticket_id,
        )


def _looks_like_json_lines(body: bytes) -> bool:
    """Several lines, at least two of which open an object at column 0: JSON lines.

    A pretty-printed object has one line starting with ``{``; a JSON-lines file with a truncated
    line still has its other lines, and those must load.
    """
    object_lines = 0
    for line in io.BytesIO(body):
        if line[:1] == b"{":
            object_lines += 1
            if object_lines >= 2:
                return True
    return False


def _parse_array(body: bytes, out: ParsedFile, reject_file) -> ParsedFile:
    try:
        items = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        return reject_file(f"invalid JSON: {error}")
    if not items:
        return reject_file("empty JSON array")
    for index, item in enumerate(items, start=1):
        _validate(orjson.dumps(item), index, out)
    return out
