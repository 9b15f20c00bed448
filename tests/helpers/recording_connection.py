"""A DB-API connection that records the statements it is sent and lets every transaction
succeed: Redshift itself is not reachable here, so the Redshift session's SQL is read back."""

from __future__ import annotations


class RecordingConnection:
    def __init__(self) -> None:
        self.statements: list[str] = []
        self.commits = self.rollbacks = 0
        self.autocommit = None

    def cursor(self):
        connection = self

        class Cursor:
            rowcount = 0

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def execute(self, statement, params=None):
                connection.statements.append(statement)

        return Cursor()

    def commit(self) -> None:
        self.commits += 1

    def rollback(self) -> None:
        self.rollbacks += 1

    def close(self) -> None:
        pass
