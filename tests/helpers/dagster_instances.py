"""Dagster instances configured as users run them, not only ephemeral ones.

``sqlite``: a temporary ``DAGSTER_HOME`` holding the project's ``dagster.yaml`` unchanged, as
``make ui`` and ``make demo`` copy it: the default local storage, whose event log is run-sharded
SQLite (one file per run plus a cross-run index). ``postgres``: the same file plus a PostgreSQL
``storage`` block (a throwaway database), the storage production uses."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import yaml

REPO = Path(__file__).resolve().parents[2]
PROJECT_YAML = REPO / "dagster.yaml"


def _postgres_storage(dsn: str) -> dict:
    from psycopg2.extensions import parse_dsn

    parts = parse_dsn(dsn)
    db = {
        "scheme": "postgresql+psycopg2",
        "hostname": parts.get("host", "127.0.0.1"),
        "port": int(parts.get("port", 5432)),
        "db_name": parts["dbname"],
        "username": parts.get("user", "postgres"),
        "password": parts.get("password", ""),
    }
    return {"postgres": {"postgres_db": db}}


@contextmanager
def user_instance(home: Path, postgres_dsn: str | None = None) -> Iterator[dg.DagsterInstance]:
    """The instance a ``DAGSTER_HOME`` at ``home`` gives: the project's file, and PostgreSQL
    storage when ``postgres_dsn`` is given."""
    home.mkdir(parents=True, exist_ok=True)
    if postgres_dsn is None:
        shutil.copy(PROJECT_YAML, home / "dagster.yaml")
    else:
        config = yaml.safe_load(PROJECT_YAML.read_text())
        config["storage"] = _postgres_storage(postgres_dsn)
        (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        yield instance
