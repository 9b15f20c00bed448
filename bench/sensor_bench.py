"""Landing sensor tick time with 10,000 and 100,000 files in one day, local folder and S3.

Two states per size: the first tick after the files land (everything pending) and the steady
state (everything in the ledger, one new file). S3 is a local moto server (``moto[server]``):
no network latency, so real S3 adds roughly 0.1-0.2 s per 1,000 keys listed.

    python bench/sensor_bench.py                 # local 10,000 and 100,000; S3 10,000
    python bench/sensor_bench.py --s3-sizes 10000 100000   # moto takes ~25 min to hold 100,000
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg

from ticket_platform.defs.ingest.resources import DuckDBWarehouse, LandingResource
from ticket_platform.defs.ingest.sensor import build_landing_sensor
from ticket_platform.lib import warehouse_sql as sql
from ticket_platform.lib.ingest import ensure_tables, partition_prefix
from ticket_platform.lib.landing import Landing, LocalLanding, S3Landing
from ticket_platform.lib.warehouse import duckdb_session
from ticket_platform.settings import get_settings

TODAY = date(2025, 8, 9)
DAY = TODAY - timedelta(days=1)
REPEATS = 3


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
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")  # the moto server accepts any key
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--s3-sizes", type=int, nargs="*", default=[10_000])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for n in args.sizes:
            local = LocalLanding(tmp / f"landing-{n}")
            rows.append(bench("local", local, local.uri, n, tmp, None, args.repeats))
        if args.s3_sizes:
            import boto3
            from moto.server import ThreadedMotoServer

            logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request
            server = ThreadedMotoServer(port=0, verbose=False)
            server.start()
            host, port = server.get_host_and_port()
            endpoint = f"http://{host}:{port}"
            client = boto3.client(
                "s3",
                endpoint_url=endpoint,
                region_name="us-east-1",
                aws_access_key_id="bench",
                aws_secret_access_key="bench",
            )
            try:
                for n in args.s3_sizes:
                    bucket = f"lake-{n}"
                    client.create_bucket(Bucket=bucket)
                    landing = S3Landing(client, bucket, "landing")
                    rows.append(
                        bench(
                            "s3", landing, f"s3://{bucket}/landing", n, tmp, endpoint, args.repeats
                        )
                    )
            finally:
                server.stop()
    out = Path(__file__).with_name("sensor_results.json")
    # Keep earlier rows of other sizes and landings (the S3 runs are slow to set up).
    kept = json.loads(out.read_text()) if out.exists() else []
    fresh = {(r["landing"], r["files"]) for r in rows}
    merged = [r for r in kept if (r["landing"], r["files"]) not in fresh] + rows
    merged.sort(key=lambda r: (r["landing"], r["files"]))
    out.write_text(json.dumps(merged, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
