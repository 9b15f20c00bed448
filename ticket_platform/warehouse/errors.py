"""Warehouse errors every engine raises differently, recognized precisely.

A sensor reads a ledger or the alert audit table on every tick but never creates them (tables
are created by the loads and by ``ticket-platform init``), so on a fresh warehouse its read meets
a missing table. ``query_or_empty`` reads that as "no rows"; any other error still raises.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ticket_platform.warehouse.session import WarehouseSession

# PostgreSQL and Redshift (psycopg2 sets ``pgcode``): undefined_table; invalid_schema_name.
_PG_MISSING_RELATION = frozenset({"42P01", "3F000"})
# DuckDB raises CatalogException for every unknown name (functions, types too): only tables,
# views and schemas count.
_DUCKDB_MISSING_RELATION = re.compile(
    r"^Catalog Error: (Table|View|Schema) with name \S+ does not exist"
)


def is_missing_relation(error: BaseException) -> bool:
    """True when ``error`` says the table (or its schema) the statement names does not exist."""
    if type(error).__module__.startswith("psycopg2"):
        return getattr(error, "pgcode", None) in _PG_MISSING_RELATION
    import duckdb

    if isinstance(error, duckdb.CatalogException):
        return _DUCKDB_MISSING_RELATION.match(str(error)) is not None
    return False


def query_or_empty(
    session: WarehouseSession, statement: str, params: Sequence[Any] = ()
) -> list[tuple]:
    """``session.query``, with no rows when a table it reads does not exist yet.

    For reads outside a transaction of the caller's: on PostgreSQL and Redshift the failed
    statement aborts the transaction the driver opened, so it is rolled back here.
    """
    try:
        return session.query(statement, params)
    except Exception as error:
        if not is_missing_relation(error):
            raise
        if session.dialect != "duckdb":
            session.rollback()
        return []
