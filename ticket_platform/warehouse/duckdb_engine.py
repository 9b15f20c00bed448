"""DuckDB, the embedded default: one file, one writer at a time (others wait for its lock)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_random_exponential

from ticket_platform.warehouse.session import arrow_schema
from ticket_platform.warehouse.sql import Dialect


def is_lock_conflict(error: BaseException) -> bool:
    return "lock" in str(error).lower() and "duckdb" in type(error).__module__


class DuckDBSession:
    dialect: Dialect = "duckdb"
    param = "?"

    def __init__(self, connection: Any):
        self.con = connection
        self._kept: list[str] = []  # keep_rows names, released when the transaction ends

    def execute(self, statement: str, params: Sequence[Any] = ()) -> int:
        result = self.con.execute(statement, list(params))
        if result.description and result.description[0][0] == "Count":
            row = result.fetchone()
            return int(row[0]) if row else 0
        return 0

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.con.execute(statement, list(params)).fetchall()

    def fill_batch(
        self, table: str, columns: Sequence[str], rows: list[dict] | pa.Table, bulk: bool = False
    ) -> None:
        if not len(rows):
            return
        batch = (
            rows
            if isinstance(rows, pa.Table)
            else pa.Table.from_pylist(rows, schema=arrow_schema(columns))
        )
        self.con.register("_arrow_batch", batch)
        try:
            cols = ", ".join(columns)
            self.con.execute(f"insert into {table} ({cols}) select {cols} from _arrow_batch")
        finally:
            self.con.unregister("_arrow_batch")

    def keep_rows(self, name: str, rows: pa.Table) -> None:
        """Let this transaction's statements read ``rows`` as ``name``: DuckDB scans the Arrow
        table where it lies, nothing is copied. A registration is the connection's, not the
        transaction's, so commit and rollback release it: nothing outlives the transaction."""
        self.con.register(name, rows)
        self._kept.append(name)

    def _release_kept(self) -> None:
        while self._kept:
            self.con.unregister(self._kept.pop())

    def begin(self) -> None:
        self._release_kept()  # rows kept outside a transaction end where one begins
        self.con.execute("begin transaction")

    def commit(self) -> None:
        try:
            self.con.execute("commit")
        finally:
            self._release_kept()

    def rollback(self) -> None:
        try:
            self.con.execute("rollback")
        finally:
            self._release_kept()


def _duckdb_connect(path: str, lock_wait_seconds: float) -> Any:
    import duckdb

    for attempt in Retrying(
        retry=retry_if_exception(is_lock_conflict),
        wait=wait_random_exponential(multiplier=0.2, max=5),
        stop=stop_after_delay(lock_wait_seconds),
        reraise=True,
    ):
        with attempt:
            return duckdb.connect(path)
    raise AssertionError("unreachable: tenacity re-raises the last error")


DUCKDB_MEMORY_LIMIT = "512MB"
# DuckDB checkpoints (writes the WAL's changes into the file) at a commit once the WAL holds
# 16 MB; a 20,000-file load transaction holds ~40 MB, so every commit would checkpoint. A load
# commits many; letting the WAL grow to this size checkpoints a few times per large load and
# once when the session closes.
DUCKDB_CHECKPOINT_THRESHOLD = "1GB"


@contextmanager
def duckdb_session(
    path: str | Path,
    memory_limit: str = DUCKDB_MEMORY_LIMIT,
    lock_wait_seconds: float = 120,
) -> Iterator[DuckDBSession]:
    """A session on a DuckDB file; waits up to ``lock_wait_seconds`` while another process holds
    its write lock (DuckDB allows one writing process), then raises the lock error.

    DuckDB's buffer pool defaults to 80 % of RAM and keeps pages of the growing table cached;
    the load needs far less, so the session caps it (and lets inserts ignore row order), and
    checkpoints less often than after every commit (``DUCKDB_CHECKPOINT_THRESHOLD``).
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = _duckdb_connect(str(path), lock_wait_seconds)
    con.execute(f"set memory_limit = '{memory_limit}'")
    con.execute("set preserve_insertion_order = false")
    con.execute(f"set checkpoint_threshold = '{DUCKDB_CHECKPOINT_THRESHOLD}'")
    try:
        yield DuckDBSession(con)
    finally:
        con.close()
