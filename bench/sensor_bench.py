"""Landing sensor tick time with 10,000 and 100,000 files in one day, local folder and S3.

Two states per size: the first tick after the files land (everything pending) and the steady
state (everything in the ledger, one new file). S3 is a local moto server (``moto[server]``):
no network latency, so real S3 adds roughly 0.1-0.2 s per 1,000 keys listed.

    python bench/sensor_bench.py                 # 10,000 and 100,000, local and S3
    python bench/sensor_bench.py --sizes 10000 --no-s3
"""

from __future__ import annotations

import argparse
import json
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


def _fill(landing: Landing, n: int, workers: int) -> None:
    body = b'{"ticket_id": "x"}'
    prefix = partition_prefix(DAY)
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda i: landing.write(f"{prefix}ticket_{i:07d}.json", body), range(n)))


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


def _tick_seconds(uri: str, warehouse: Path, endpoint: str | None) -> tuple[float, int]:
    sensor = build_landing_sensor(get_settings(), today=lambda: TODAY)
    times, pending = [], 0
    for _ in range(REPEATS):
        context = dg.build_sensor_context(
            instance=dg.DagsterInstance.ephemeral(),
            resources={
                "landing": LandingResource(uri=uri, endpoint_url=endpoint, region_name="us-east-1"),
                "warehouse": DuckDBWarehouse(database=str(warehouse)),
            },
        )
        started = time.perf_counter()
        result = sensor(context)
        times.append(time.perf_counter() - started)
        requests = result.run_requests if isinstance(result, dg.SensorResult) else []
        pending = sum(int(r.tags["ticket/pending_files"]) for r in requests)
    return statistics.median(times), pending


def bench(kind: str, landing: Landing, uri: str, n: int, tmp: Path, endpoint: str | None) -> dict:
    warehouse = tmp / f"{kind}-{n}.duckdb"
    started = time.perf_counter()
    _fill(landing, n, workers=32 if kind == "s3" else 4)
    fill_seconds = time.perf_counter() - started
    first, first_pending = _tick_seconds(uri, warehouse, endpoint)
    _record_all_loaded(landing, warehouse)
    landing.write(f"{partition_prefix(DAY)}ticket_0000000-late.json", b"{}")
    steady, steady_pending = _tick_seconds(uri, warehouse, endpoint)
    row = {
        "landing": kind,
        "files": n,
        "first_tick_s": round(first, 2),
        "first_tick_pending": first_pending,
        "steady_tick_s": round(steady, 2),
        "steady_tick_pending": steady_pending,
        "setup_s": round(fill_seconds, 1),
    }
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")  # the moto server accepts any key
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--no-s3", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for n in args.sizes:
            local = LocalLanding(tmp / f"landing-{n}")
            rows.append(bench("local", local, local.uri, n, tmp, None))
        if not args.no_s3:
            import boto3
            from moto.server import ThreadedMotoServer

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
                for n in args.sizes:
                    bucket = f"lake-{n}"
                    client.create_bucket(Bucket=bucket)
                    landing = S3Landing(client, bucket, "landing")
                    rows.append(bench("s3", landing, f"s3://{bucket}/landing", n, tmp, endpoint))
            finally:
                server.stop()
    out = Path(__file__).with_name("sensor_results.json")
    out.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
