"""NUL cannot be stored in PostgreSQL or Redshift text; the server-side batch writers strip it."""

import gzip
from datetime import datetime

import orjson

from ticket_platform.warehouse.postgres_engine import jsonl_gz, pg_copy_text, without_nul


def test_without_nul_strips_text_and_leaves_other_values():
    assert without_nul("a\x00b\x00") == "ab"
    assert without_nul(5) == 5 and without_nul(None) is None


def test_copy_text_and_redshift_json_lines_carry_no_nul():
    row = {"id": "T\x00-1", "text": "line\x00two", "at": datetime(2025, 8, 8, 10, 0)}
    assert "\x00" not in pg_copy_text(["id", "text", "at"], [row])
    (record,) = [
        orjson.loads(line) for line in gzip.decompress(jsonl_gz(list(row), [row])).splitlines()
    ]
    assert record == {"id": "T-1", "text": "linetwo", "at": "2025-08-08 10:00:00"}
