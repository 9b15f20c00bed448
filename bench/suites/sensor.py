"""Landing sensor tick time with N files in one day, local folder and S3 (a local moto server).

Two states per size: the first tick after the files land (everything pending) and the steady
state (everything in the ledger, one new file). "List only" is the same prefix listed and nothing
else: the floor under a tick. The moto server has no network latency, so real S3 adds roughly
0.1-0.2 s per 1,000 keys listed.
"""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg

from bench.common import log
from bench.profiles import Profile
from ticket_platform.ingest import tickets_sql as sql
from ticket_platform.ingest.landing import Landing, LocalLanding
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.ingest.s3_landing import S3Landing
from ticket_platform.ingest.sensor import build_landing_sensor
from ticket_platform.ingest.tickets import ensure_tables, partition_prefix
from ticket_platform.settings import get_settings
from ticket_platform.warehouse.duckdb_engine import duckdb_session
from ticket_platform.warehouse.resource import DuckDBWarehouse

TODAY = date(2025, 8, 9)
DAY = TODAY - timedelta(days=1)


BODY = b'{"ticket_id": "x"}'


def _fill(landing: Landing, n: int) -> None:
    prefix = partition_prefix(DAY)
    if isinstance(landing, S3Landing):
        # Straight into the in-process moto server's store: 100,000 PUTs over HTTP take ~25 min
        # and are not what is measured.
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.s3.models import s3_backends

        backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
        for i in range(n):
            backend.put_object(landing.bucket, landing._full(f"{prefix}ticket_{i:07d}.json"), BODY)
        return
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: landing.write(f"{prefix}ticket_{i:07d}.json", BODY), range(n)))


def _record_all_loaded(landing: Landing, warehouse: Path) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        {
            "file_key": o.key,
            "etag": o.etag,
            "partition_date": DAY,
            "status": "loaded",
            "records_total": 1,
            "rows_accepted": 1,
            "rows_quarantined": 0,
            "loaded_at": now,
        }
        for o in landing.list(partition_prefix(DAY))
    ]
    with duckdb_session(warehouse) as session:
        ensure_tables(session)
        session.begin()
        session.fill_batch(sql.LEDGER_TABLE, sql.LEDGER_COLUMNS, rows)
        session.commit()


def _tick_seconds(
    uri: str, warehouse: Path, endpoint: str | None, repeats: int
) -> tuple[float, int]:
    sensor = build_landing_sensor(get_settings(), today=lambda: TODAY)
    times, pending = [], 0
    for _ in range(repeats):
        with dg.DagsterInstance.ephemeral() as instance:
            context = dg.build_sensor_context(
                instance=instance,
                resources={
                    "landing": LandingResource(
                        uri=uri, endpoint_url=endpoint, region_name="us-east-1"
                    ),
                    "warehouse": DuckDBWarehouse(database=str(warehouse)),
                },
            )
            started = time.perf_counter()
            result = sensor(context)
            times.append(time.perf_counter() - started)
        requests = result.run_requests if isinstance(result, dg.SensorResult) else []
        pending = sum(int(r.tags["ticket/pending_files"]) for r in requests)
    return statistics.median(times), pending


def _list_seconds(landing: Landing, repeats: int) -> float:
    """The floor under a tick: listing the day's prefix and nothing else."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        sum(1 for _ in landing.list(partition_prefix(DAY)))
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench(
    kind: str, landing: Landing, uri: str, n: int, tmp: Path, endpoint: str | None, repeats: int
) -> dict:
    warehouse = tmp / f"{kind}-{n}.duckdb"
    started = time.perf_counter()
    _fill(landing, n)
    fill_seconds = time.perf_counter() - started
    first, first_pending = _tick_seconds(uri, warehouse, endpoint, repeats)
    _record_all_loaded(landing, warehouse)
    landing.write(f"{partition_prefix(DAY)}ticket_0000000-late.json", b"{}")
    steady, steady_pending = _tick_seconds(uri, warehouse, endpoint, repeats)
    list_only = _list_seconds(landing, repeats)
    row = {
        "landing": kind,
        "files": n,
        "first_tick_s": round(first, 2),
        "first_tick_pending": first_pending,
        "steady_tick_s": round(steady, 2),
        "steady_tick_pending": steady_pending,
        "list_only_s": round(list_only, 2),
        "setup_s": round(fill_seconds, 1),
    }
    log(
        f"sensor: {kind} {n:,} files: first tick {row['first_tick_s']} s, steady {row['steady_tick_s']} s"
    )
    return row


def run(profile: Profile) -> dict:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")  # the moto server accepts any key
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for n in profile.sensor_sizes:
            local = LocalLanding(tmp / f"landing-{n}")
            rows.append(bench("local", local, local.uri, n, tmp, None, profile.repeats))
        if profile.sensor_s3_sizes:
            rows += _s3_rows(profile, tmp)
    return {"rows": rows}


def _s3_rows(profile: Profile, tmp: Path) -> list[dict]:
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    rows = []
    try:
        for n in profile.sensor_s3_sizes:
            bucket = f"lake-{n}"
            client.create_bucket(Bucket=bucket)
            landing = S3Landing(client, bucket, "landing")
            uri = f"s3://{bucket}/landing"
            rows.append(bench("s3", landing, uri, n, tmp, endpoint, profile.repeats))
    finally:
        server.stop()
    return rows
