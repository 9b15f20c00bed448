"""A DB-API connection that records the statements it is sent and lets every transaction
succeed: Redshift itself is not reachable here, so the Redshift session's SQL is read back.

Reads answer from ``answers`` (statement -> rows); by default a ``select count(*)`` answers 0
and any other read no rows, which is what a load's merge reads of an empty warehouse."""

from __future__ import annotations

from collections.abc import Callable


def empty_warehouse(statement: str) -> list[tuple]:
    return [(0,)] if statement.lstrip().lower().startswith("select count(") else []


class RecordingConnection:
    def __init__(self, answers: Callable[[str], list[tuple]] = empty_warehouse) -> None:
        self.statements: list[str] = []
        self.params: list[tuple | None] = []
        self.commits = self.rollbacks = 0
        self.autocommit = None
        self.answers = answers

    def cursor(self):
        connection = self

        class Cursor:
            rowcount = 0
            last = ""

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def execute(self, statement, params=None):
                connection.statements.append(statement)
                connection.params.append(params)
                self.last = statement

            def fetchall(self):
                return connection.answers(self.last)

        return Cursor()

    def commit(self) -> None:
        self.commits += 1

    def rollback(self) -> None:
        self.rollbacks += 1

    def close(self) -> None:
        pass
