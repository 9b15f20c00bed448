"""SQL every warehouse engine shares: the dialects, column DDL, batch tables and COPY.

Three dialects share one load algorithm: ``duckdb`` (embedded default), ``postgres`` (CI's
stand-in for Redshift) and ``redshift`` (production). What each feed loads lives beside its loader
(``ingest/tickets_sql.py``, ``ingest/events_sql.py``, ``evaluation/store_sql.py``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Dialect = Literal["duckdb", "postgres", "redshift"]
DIALECTS: tuple[Dialect, ...] = ("duckdb", "postgres", "redshift")


def columns_ddl(types: dict[str, str]) -> str:
    return ",\n    ".join(f"{name} {kind}" for name, kind in types.items())


@dataclass(frozen=True)
class MergeStep:
    """One statement of the merge transaction; ``counts`` names the row count it reports."""

    sql: str
    counts: str | None = None


def copy_json_sql(
    table: str,
    columns: tuple[str, ...],
    manifest_uri: str,
    iam_role_arn: str,
    region: str | None = None,
) -> str:
    """Redshift's manifest-driven COPY of gzip JSON lines into ``table``."""
    region_clause = f"\nregion '{_quote(region)}'" if region else ""
    return (
        f"copy {table} ({', '.join(columns)})\n"
        f"from '{_quote(manifest_uri)}'\n"
        f"iam_role '{_quote(iam_role_arn)}'\n"
        "manifest\n"
        "format as json 'auto'\n"
        "gzip\n"
        "timeformat 'auto'\n"
        f"compupdate off statupdate off{region_clause}"
    )


def _quote(value: str) -> str:
    return value.replace("'", "''")


def temporary_copy_sql(batch: str, table: str) -> list[str]:
    """An empty temporary table shaped like ``table`` (dropped first: a session reuses it)."""
    return [
        f"drop table if exists {batch}",
        f"create temporary table {batch} as select * from {table} limit 0",
    ]


def replace_by_key_sql(
    table: str, batch: str, key: tuple[str, ...], columns: tuple[str, ...]
) -> list[str]:
    """Replace the target rows of the batch's keys (delete + insert: portable to all engines)."""
    match = " and ".join(f"{table}.{c} = b.{c}" for c in key)
    cols = ", ".join(columns)
    return [
        f"delete from {table} where exists (select 1 from {batch} b where {match})",
        f"insert into {table} ({cols}) select {cols} from {batch}",
        f"drop table if exists {batch}",
    ]
