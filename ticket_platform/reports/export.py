"""Export warehouse tables as Parquet into the lake's ``processed/`` zone (Athena-style: one
prefix per table), through the same landing interface as the raw files (folder or S3)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from ticket_platform.ingest.landing import Landing
from ticket_platform.warehouse.session import WarehouseSession

PROCESSED_PREFIX = "processed"


@dataclass(frozen=True)
class ExportedTable:
    table: str
    key: str
    rows: int
    bytes: int


def export_key(table: str) -> str:
    """``marts.fct_tickets`` -> ``processed/marts/fct_tickets/fct_tickets.parquet``."""
    schema, name = table.split(".", 1)
    return f"{PROCESSED_PREFIX}/{schema}/{name}/{name}.parquet"


def table_as_arrow(session: WarehouseSession, table: str) -> pa.Table:
    """The whole table as Arrow: DuckDB hands it over natively; server engines via a cursor."""
    statement = f"select * from {table}"
    if session.dialect == "duckdb":
        return session.con.execute(statement).fetch_arrow_table()  # type: ignore[attr-defined]
    with session.conn.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(statement)
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    return pa.Table.from_pydict({n: [row[i] for row in rows] for i, n in enumerate(names)})


def parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def export_tables(
    session: WarehouseSession, landing: Landing, tables: Sequence[str]
) -> list[ExportedTable]:
    """Write each table to its one Parquet file, replacing the previous export (idempotent)."""
    exported = []
    for table in tables:
        data = table_as_arrow(session, table)
        body = parquet_bytes(data)
        key = export_key(table)
        landing.write(key, body)
        exported.append(ExportedTable(table, key, data.num_rows, len(body)))
    return exported
