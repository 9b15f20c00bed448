"""The S3 path: the platform's ingest from a bucket behind a realistic per-request latency.

A moto S3 server runs in its own process (``python -m bench.suites.ingest_s3 --serve``), wrapped
in a WSGI middleware that waits ``--latency-ms`` before answering each request (LIST, GET, PUT),
which is what separates S3 from a local disk: real S3 answers a GET in roughly 10-30 ms inside a
region. The platform reads each day's files with ``TICKET_READ_WORKERS`` threads (32 by default
on S3); this suite times the same load with several worker counts, and the bare floor: the same
GETs and ``json.loads`` with the most workers, nothing else. The platform does not compact small
files, so there is no compaction to measure.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from bench.common import ROOT, generate_landing, log, median_of, timed, work_dir
from bench.profiles import Profile

END = date(2025, 8, 30)
BUCKET = "bench-lake"


class Latency:
    """WSGI middleware: every request waits ``seconds`` first, as a network round trip would."""

    def __init__(self, app, seconds: float):
        self.app = app
        self.seconds = seconds

    def __call__(self, environ, start_response):
        time.sleep(self.seconds)
        return self.app(environ, start_response)


def serve(latency_ms: float) -> None:
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    # Stop on terminate() even when started by a process that ignores SIGTERM (Dagster maps
    # SIGTERM to SIGINT's handler, which a background job inherits as ignored).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = Latency(DomainDispatcherApplication(create_backend_app), latency_ms / 1000)
    server = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler
    )  # fmt: skip
    print(server.server_address[1], flush=True)
    server.serve_forever()


def _client(endpoint: str):
    from ticket_platform.ingest.resources import LandingResource

    # The same client the ingest asset builds (dagster-aws S3Resource defaults).
    landing = LandingResource(
        uri=f"s3://{BUCKET}/landing", endpoint_url=endpoint, region_name="us-east-1"
    )
    return landing.get_landing()


def _upload(landing, local: Path) -> int:
    files = sorted((local / "tickets").rglob("*.json"))

    def put(path: Path) -> None:
        landing.write(path.relative_to(local).as_posix(), path.read_bytes())

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(put, files))
    return len(files)


def _platform_load(landing, workers: int, scratch: Path) -> dict:
    from ticket_platform.ingest.tickets import discover_days, load_partition
    from ticket_platform.warehouse.duckdb_engine import duckdb_session

    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    days, _ = discover_days(landing)
    rows = 0
    with duckdb_session(scratch / "s3.duckdb") as session:
        for day in days:
            report = load_partition(landing, session, day, run_id="bench", read_workers=workers)
            rows += report.rows_inserted
    return {"rows": rows}


def _plain_get_parse(landing, workers: int) -> dict:
    keys = [o.key for o in landing.list("tickets/")]
    with ThreadPoolExecutor(workers) as pool:
        parsed = sum(1 for _ in pool.map(lambda key: json.loads(landing.read(key)), keys))
    return {"rows": parsed}


def _measure(label: str, workers: int, function, repeats: int, files: int) -> dict:
    runs = []
    for _ in range(repeats):
        seconds, result = timed(function)
        runs.append(result | {"seconds": seconds})
    best = median_of(runs)
    log(f"s3: {label} with {workers} workers: {best['seconds']:.2f} s")
    return best | {"contender": label, "workers": workers, "files_per_s": round(files / best["seconds"], 1)}  # fmt: skip


def run(profile: Profile) -> dict:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")  # moto accepts any key
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    local = generate_landing(
        work_dir() / f"s3-source-{profile.s3_files}-s{profile.seed}", profile.s3_files, 2, END, profile.seed
    )  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.suites.ingest_s3", "--serve", "--latency-ms",
         str(profile.s3_latency_ms)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        endpoint = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        landing = _client(endpoint)
        landing.client.create_bucket(Bucket=BUCKET)
        uploaded = _upload(landing, local)
        log(f"s3: {uploaded:,} files in the moto bucket, {profile.s3_latency_ms} ms per request")
        scratch = work_dir() / "s3-db"
        most = max(profile.s3_workers)
        _platform_load(landing, most, scratch)  # warm-up
        rows = [
            _measure("platform_ingest", workers,
                     lambda w=workers: _platform_load(landing, w, scratch), profile.repeats, uploaded)
            for workers in profile.s3_workers
        ]  # fmt: skip
        rows.append(
            _measure("plain_get_parse", most, lambda: _plain_get_parse(landing, most),
                     profile.repeats, uploaded)
        )  # fmt: skip
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return {
        "files": uploaded,
        "latency_ms": profile.s3_latency_ms,
        "runs": rows,
        "compaction": "not measured: the platform does not compact landed files",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", required=True)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    serve(parser.parse_args().latency_ms)


if __name__ == "__main__":
    main()
