"""Concurrency pools and retry policies shared by the assets that write the warehouse.

Pool limits live in the instance's ``dagster.yaml`` (``concurrency: pools: default_limit``); the
project's copy sets 1, so each pool runs one op at a time across all runs.
"""

import dagster as dg

from ticket_platform.settings import Settings

INGEST_POOL = "ticket_ingest"
# DuckDB allows one writing process: locally every op that writes the warehouse shares a pool.
LOCAL_WRITER_POOL = "duckdb_writer"

# Transient failures (S3 throttling, a dropped warehouse connection) are retried inside the run;
# a crashed run is retried by the instance's run retries.
TRANSIENT_RETRY = dg.RetryPolicy(
    max_retries=3, delay=10, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


def ingest_pool(settings: Settings) -> str:
    """Two loads never overlap: the ledger lock makes that safe, the pool makes it not wait."""
    return LOCAL_WRITER_POOL if settings.is_local else INGEST_POOL


def writer_pool(settings: Settings) -> str | None:
    """The pool of other warehouse writers: serialised on DuckDB, free on Redshift."""
    return LOCAL_WRITER_POOL if settings.is_local else None
