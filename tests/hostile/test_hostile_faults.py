"""Faults under the loader: a failed commit shows its real cause, not the rollback's."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RAISED = re.compile(r"^[\w.]+(Exception|Error): ")  # the line naming the exception raised

# Runs in its own process: the file-size limit (a stand-in for a full disk that needs no
# privileges) must not touch the test runner.
LOAD_ON_A_FULL_DISK = textwrap.dedent(
    """
    import os, resource, signal, sys
    from datetime import date
    import orjson
    from ticket_platform.ingest.tickets import ensure_tables, load_partition
    from ticket_platform.ingest.landing import LocalLanding
    from ticket_platform.warehouse.duckdb_engine import duckdb_session

    root, seed = sys.argv[1], sys.argv[2]
    landing = LocalLanding(root + "/landing")
    lines = open(seed, "rb").read().splitlines()
    for i in range(1500):
        ticket = orjson.loads(lines[i % len(lines)]) | {"ticket_id": f"T-{i}"}
        ticket["description"] = "x" * 4000
        landing.write(f"tickets/2025/08/08/ticket_{i}.json", orjson.dumps(ticket))
    with duckdb_session(root + "/w.duckdb") as session:
        ensure_tables(session)
        session.execute("checkpoint")
    limit = os.path.getsize(root + "/w.duckdb") + 256 * 1024
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    with duckdb_session(root + "/w.duckdb") as session:
        load_partition(landing, session, date(2025, 8, 8))
    """
)


def test_a_commit_that_cannot_write_shows_the_write_error(tmp_path):
    seed = REPO / "tests" / "fixtures" / "seed_processed_tickets.jsonl"
    done = subprocess.run(
        [sys.executable, "-c", LOAD_ON_A_FULL_DISK, str(tmp_path), str(seed)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    raised = [line for line in done.stderr.splitlines() if RAISED.match(line)]
    last_error = raised[-1]
    # The engine's own message (here EFBIG, "File too large"; on a full disk "No space left on
    # device") is the error raised, and the failed rollback is only a note under it.
    assert "File too large" in last_error or "No space left" in last_error, done.stderr[-2000:]
    assert "cannot rollback" not in last_error
