"""A missing table reads as no rows; every other warehouse error still raises (both engines)."""

from __future__ import annotations

import duckdb
import pytest

from ticket_platform.warehouse.errors import is_missing_relation, query_or_empty


def _error(session, statement: str) -> Exception:
    with pytest.raises(Exception) as caught:
        session.query(statement)
    if session.dialect != "duckdb":
        session.rollback()
    return caught.value


def test_only_a_missing_table_or_schema_counts_as_missing(session):
    session.execute("create schema if not exists raw")
    session.execute("create table raw.present (n integer)")
    if session.dialect != "duckdb":
        session.commit()
    assert is_missing_relation(_error(session, "select * from raw.absent"))
    assert is_missing_relation(_error(session, "select * from nowhere.absent"))
    assert not is_missing_relation(_error(session, "select no_such_function(1)"))
    assert not is_missing_relation(_error(session, "select no_such_column from raw.present"))
    assert not is_missing_relation(_error(session, "selec 1"))
    assert not is_missing_relation(RuntimeError("Table with name x does not exist"))
    assert not is_missing_relation(duckdb.IOException("Could not set lock on file"))


def test_query_or_empty_reads_a_missing_table_as_no_rows_and_the_session_goes_on(session):
    assert query_or_empty(session, "select * from raw.absent") == []
    assert session.query("select 1") == [(1,)], "the session is usable after the missing table"
    with pytest.raises(Exception, match="no_such_function"):
        query_or_empty(session, "select no_such_function(1)")
