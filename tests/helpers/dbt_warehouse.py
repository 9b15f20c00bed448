"""A throwaway warehouse (DuckDB file or PostgreSQL database) with dbt pointed at it."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from ticket_platform.transform.dbt_sources import ensure_dbt_sources
from ticket_platform.transform.project import DBT_PROJECT_DIR, dbt_executable
from ticket_platform.warehouse.session import WarehouseSession


class DbtWarehouse:
    """Sessions for the platform's loaders and a ``dbt`` runner on the same warehouse."""

    def __init__(
        self,
        connect: Callable[[], AbstractContextManager[WarehouseSession]],
        target: str,
        env: dict[str, str],
        work_dir: Path,
    ) -> None:
        self.connect, self.target, self.env, self.work_dir = connect, target, env, work_dir

    def create_sources(self) -> None:
        """The empty tables dbt reads (raw tickets and events, evaluations, routing)."""
        with self.connect() as session:
            ensure_dbt_sources(session)

    def insert(self, table: str, columns: tuple[str, ...], rows: list[dict]) -> None:
        with self.connect() as session:
            session.begin()
            session.fill_batch(table, columns, rows)
            session.commit()

    def dbt(self, *args: str, variables: dict[str, Any] | None = None) -> str:
        command = [
            dbt_executable(),
            *args,
            "--target",
            self.target,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(self.work_dir / "target"),
            "--log-path",
            str(self.work_dir / "logs"),
        ]
        if variables:
            command += ["--vars", json.dumps(variables)]
        result = subprocess.run(
            command, cwd=self.work_dir, env=self.env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def records(self, relation: str) -> list[dict[str, Any]]:
        """Every row of ``relation`` as a dict."""
        with self.connect() as session:
            columns = self.columns(session, relation)
            rows = session.query(f"select {', '.join(columns)} from {relation}")
        return [dict(zip(columns, row, strict=True)) for row in rows]

    def rows(self, relation: str) -> list[tuple]:
        """Every row of ``relation``, floats rounded to 6 places, in a stable order."""
        with self.connect() as session:
            columns = self.columns(session, relation)
            result = session.query(f"select {', '.join(columns)} from {relation}")
        return sorted((tuple(_comparable(v) for v in row) for row in result), key=repr)

    @staticmethod
    def columns(session: WarehouseSession, relation: str) -> list[str]:
        return [
            name
            for (name,) in session.query(
                "select column_name from information_schema.columns "
                f"where table_schema = {session.param} and table_name = {session.param} "
                "order by ordinal_position",
                relation.split("."),
            )
        ]


def _comparable(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) else value


def dbt_env() -> dict[str, str]:
    """The current environment without TICKET_* settings that could redirect dbt."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TICKET_")}
    return env | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
