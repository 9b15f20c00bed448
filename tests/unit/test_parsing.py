import gzip

import orjson
import pytest

from ticket_platform.ingest.parsing import RAW_TEXT_LIMIT, bounded_text, parse_ticket_file

KEY = "tickets/2025/08/08/ticket_x.json"


def _one(result):
    assert len(result.rejected) == 1, result.rejected
    return result.rejected[0]


def test_single_ticket_file(seed_lines):
    result = parse_ticket_file(KEY, seed_lines[0])
    assert len(result.rows) == 1 and not result.rejected
    assert result.rows[0]["ticket_id"] == "TKT-20250808-1046"


@pytest.mark.parametrize(
    "shape",
    [
        lambda t: t + b"\n",  # the one-ticket fast path
        lambda t: t + b"\r\n \n",
        lambda t: b"  " + t,  # the general path
        lambda t: b"\xef\xbb\xbf" + t,
        lambda t: orjson.dumps(orjson.loads(t), option=orjson.OPT_INDENT_2),
        lambda t: gzip.compress(t),
    ],
)
def test_every_shape_of_one_ticket_gives_the_same_row(seed_lines, shape):
    expected = parse_ticket_file(KEY, seed_lines[0]).rows
    assert parse_ticket_file(KEY, shape(seed_lines[0])).rows == expected


def test_one_ticket_fast_path_keeps_the_size_limit_and_the_suffix_check(seed_lines):
    limit = len(seed_lines[0]) - 1
    assert "too large" in _one(parse_ticket_file(KEY, seed_lines[0], max_bytes=limit)).reason
    notes = _one(parse_ticket_file("tickets/2025/08/08/ticket_x.txt", seed_lines[0]))
    assert "not a ticket file" in notes.reason


def test_json_lines_file_with_many_tickets(seed_lines):
    result = parse_ticket_file("tickets/2025/08/08/unload.jsonl", b"\n".join(seed_lines) + b"\n")
    assert len(result.rows) == 100 and not result.rejected


def test_json_array_and_pretty_printed_and_gzip(seed_lines):
    array = b"[" + b",".join(seed_lines[:3]) + b"]"
    assert len(parse_ticket_file(KEY, array).rows) == 3
    pretty = orjson.dumps(orjson.loads(seed_lines[0]), option=orjson.OPT_INDENT_2)
    assert len(parse_ticket_file(KEY, pretty).rows) == 1
    packed = gzip.compress(b"\n".join(seed_lines[:4]))
    assert len(parse_ticket_file(KEY + ".gz", packed).rows) == 4


def test_bad_line_in_json_lines_is_quarantined_and_the_rest_loads(seed_lines):
    body = b"\n".join([seed_lines[0], seed_lines[1][:60], b"not json", seed_lines[2]])
    result = parse_ticket_file("tickets/2025/08/08/unload.jsonl", body)
    expected = [orjson.loads(seed_lines[i])["ticket_id"] for i in (0, 2)]
    assert [r["ticket_id"] for r in result.rows] == expected
    assert [r.line_number for r in result.rejected] == [2, 3]
    assert all(r.reason.startswith("invalid JSON") for r in result.rejected)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty file"),
        (b"   \n\t", "empty file"),
        (b"hello, world", "invalid JSON"),
        (bytes(range(256)) * 4, "not UTF-8"),
        (b"[" * 50_000 + b"]" * 50_000, "invalid JSON"),
        (b'{"a":' * 5_000 + b"1" + b"}" * 5_000, "invalid JSON"),
        (b"[]", "empty JSON array"),
        (b"42", "Input should be an object"),
        (b"null", "Input should be an object"),
    ],
    ids=[
        "empty",
        "whitespace",
        "not-json",
        "binary",
        "array-bomb",
        "object-bomb",
        "empty-array",
        "number",
        "null",
    ],
)
def test_broken_files_become_one_reasoned_rejection(body, reason):
    rejected = _one(parse_ticket_file(KEY, body))
    assert rejected.line_number is None
    assert reason in rejected.reason
    assert len(rejected.raw_text) <= RAW_TEXT_LIMIT + 1


def test_truncated_ticket(seed_lines):
    rejected = _one(parse_ticket_file(KEY, seed_lines[0][:200]))
    assert rejected.reason.startswith("invalid JSON: EOF")


def test_wrong_types_name_the_field_and_keep_the_ticket_id(seed_lines):
    body = seed_lines[0].replace(b'"priority":"MEDIUM"', b'"priority":7')
    rejected = _one(parse_ticket_file(KEY, body))
    assert "priority" in rejected.reason and "got 7" in rejected.reason
    assert rejected.ticket_id == "TKT-20250808-1046"


def test_missing_id_is_rejected(seed_lines):
    record = orjson.loads(seed_lines[0])
    del record["ticket_id"]
    rejected = _one(parse_ticket_file(KEY, orjson.dumps(record)))
    assert "ticket_id: Field required" in rejected.reason


def test_a_kinesis_event_in_the_tickets_prefix_is_explained():
    rejected = _one(parse_ticket_file(KEY, b'{"eventName": "TicketSubmitted", "ticketId": "T-9"}'))
    assert "Kinesis ticket event" in rejected.reason and rejected.ticket_id == "T-9"


def test_unexpected_file_type_and_oversize_and_gzip_bomb():
    assert (
        "not a ticket file" in _one(parse_ticket_file("tickets/2025/08/08/notes.txt", b"x")).reason
    )
    assert "too large" in _one(parse_ticket_file(KEY, b"{}" * 100, max_bytes=50)).reason
    bomb = gzip.compress(b" " * 10_000)
    assert "gzip" in _one(parse_ticket_file(KEY + ".gz", bomb, max_bytes=1_000)).reason


def test_bounded_text_is_nul_free_and_bounded():
    text = bounded_text(b"\x00abc\xff" * 2_000)
    assert "\x00" not in text and len(text) <= RAW_TEXT_LIMIT + 1 and text.endswith("…")
