"""`dbt build` time by volume on DuckDB: N tickets over 30 days, a fresh warehouse each.

The raw tables are filled straight with SQL (this measures dbt, not ingest): tickets spread over
the days with the simulator's shape (priority and sentiment mix, ~7 lifecycle events per ticket:
the workflow's milestones, assignment, resolution, 8 % reopened, 60 % rated, 2 % never resolved)
and every event loaded with its ticket, an hour after the ticket's day ends (as daily loads
would). `dbt build` is the whole project (seeds, models, data tests) with ``as_of`` pinned.
Incremental cost, ingest included, is the ``incremental`` suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

from bench.common import log
from bench.profiles import Profile
from ticket_platform.transform.dbt_sources import ensure_dbt_sources
from ticket_platform.transform.project import DBT_PROJECT_DIR, dbt_executable
from ticket_platform.warehouse.duckdb_engine import duckdb_session

FIRST_DAY = date(2026, 9, 1)
PRODUCTS = [
    "Amazon EC2",
    "Amazon S3",
    "AWS Lambda",
    "Amazon RDS",
    "Amazon EKS",
    "Amazon CloudWatch",
    "AWS IAM",
    "Amazon VPC",
    "Amazon SageMaker",
    "Amazon Redshift",
]


def _products_sql() -> str:
    return "[" + ", ".join(f"'{p}'" for p in PRODUCTS) + "]"


def fill(path: Path, first_id: int, count: int, first_day: date, days: int) -> None:
    """Append ``count`` tickets submitted over ``days`` days from ``first_day``, with events."""
    with duckdb_session(path) as session:
        ensure_dbt_sources(session)
    # Each day is loaded an hour after it ends, as the daily loads would: the watermark of the
    # incremental models then sees 30 days of loads, not one burst.
    loaded_at = "cast(submitted_at as date) + interval 25 hour"
    with duckdb.connect(str(path)) as con:
        con.execute(
            f"""
            create or replace temp table new_tickets as
            select
                'TKT-' || lpad(cast(i as varchar), 9, '0') as ticket_id,
                cast('{first_day}' as timestamp)
                    + to_days(cast(i % {days} as integer))
                    + to_seconds(cast(hash(i, 's') % 86400 as bigint)) as submitted_at,
                {_products_sql()}[1 + cast(hash(i, 'p') % {len(PRODUCTS)} as integer)] as product,
                case when hash(i, 'r') % 100 < 28 then 'HIGH'
                     when hash(i, 'r') % 100 < 81 then 'MEDIUM' else 'NORMAL' end as priority,
                ['POSITIVE', 'NEGATIVE', 'NEUTRAL', 'MIXED'][1 + cast(hash(i, 'm') % 4 as integer)]
                    as sentiment,
                hash(i, 'x') % 1000 as dice
            from range({first_id}, {first_id + count}) as t(i)
            """
        )
        con.execute(
            f"""
            insert into raw.tickets (
                ticket_id, submitted_at, customer_email, product, issue_type, subject,
                description, response_text, sentiment, priority, processed_at, schema_version,
                record_source, _source_key, _source_etag, _partition_date, _loaded_at, _run_id)
            select ticket_id, submitted_at, lower(ticket_id) || '@example.com', product,
                'General', 'Subject', 'Description', 'Response', sentiment, priority,
                submitted_at + interval 4 second, 2, 'synthetic',
                'tickets/' || strftime(submitted_at, '%Y/%m/%d') || '/ticket_' || ticket_id || '.json',
                'etag', cast(submitted_at as date), {loaded_at}, 'bench'
            from new_tickets
            """
        )
        # (milestone, event name, source, offset from submission, which tickets)
        assigned = "to_minutes(cast(5 + dice % 180 as bigint))"
        resolved = f"{assigned} + to_minutes(cast(60 + (dice * 37) % 1800 as bigint))"
        reopened = f"{resolved} + to_minutes(cast(120 + dice % 600 as bigint))"
        steps = [
            ("SUBMITTED", "TicketSubmitted", "helpdesk", "interval 0 second", "true"),
            ("SENTIMENT_SCORED", "SentimentScored", "workflow", "interval 1 second", "true"),
            ("RESPONSE_GENERATED", "ResponseGenerated", "workflow", "interval 3 second", "true"),
            ("STORED", "TicketStored", "workflow", "interval 4 second", "true"),
            ("ESCALATED", "TicketEscalated", "workflow", "interval 5 second", "priority = 'HIGH'"),
            ("ASSIGNED", "TicketAssigned", "helpdesk", assigned, "true"),
            ("RESOLVED", "TicketResolved", "helpdesk", resolved, "dice >= 20"),
            ("REOPENED", "TicketReopened", "helpdesk", reopened, "dice >= 20 and dice < 100"),
            (
                "RESOLVED",
                "TicketResolved",
                "helpdesk",
                f"{reopened} + interval 3 hour",
                "dice >= 20 and dice < 100",
            ),
            (
                "SATISFACTION_RATED",
                "SatisfactionRated",
                "helpdesk",
                f"{reopened} + interval 5 hour",
                "dice >= 20 and dice % 10 < 6",
            ),
        ]
        for number, (milestone, name, source, offset, where) in enumerate(steps):
            con.execute(
                f"""
                insert into raw.ticket_events (
                    event_id, ticket_id, event_name, milestone, source, occurred_at, team,
                    rating, data, _content_hash, _source_key, _source_etag, _line_number,
                    _partition_date, _loaded_at, _run_id)
                select ticket_id || ':{milestone}:{number}', ticket_id, '{name}', '{milestone}',
                    '{source}', submitted_at + {offset},
                    case when '{milestone}' = 'ASSIGNED' then 'compute' end,
                    case when '{milestone}' = 'SATISFACTION_RATED'
                        then cast(1 + dice % 5 as integer) end,
                    '{{}}', md5(ticket_id || '{number}'),
                    'events/' || strftime(submitted_at, '%Y/%m/%d') || '/bench.jsonl.gz', 'etag',
                    {number + 1}, cast(submitted_at as date), {loaded_at}, 'bench'
                from new_tickets where {where}
                """
            )


def slowest_nodes(work: Path, top: int = 6) -> list[tuple[str, float]]:
    """The dbt nodes that took longest in the last build (from run_results.json)."""
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    timed = sorted(results, key=lambda r: r["execution_time"], reverse=True)[:top]
    return [(r["unique_id"].split(".", 2)[-1], round(r["execution_time"], 2)) for r in timed]


def dbt_build(path: Path, work: Path, as_of: str, extra: tuple[str, ...] = ()) -> float:
    """``dbt build`` of the whole project against the DuckDB file at ``path``; seconds."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TICKET_")},
        "TICKET_WAREHOUSE_PATH": str(path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    args = [
        dbt_executable(),
        "build",
        *extra,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
        "--vars",
        json.dumps({"as_of": as_of}),
    ]
    started = time.perf_counter()
    result = subprocess.run(args, env=env, cwd=work, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"dbt build failed:\n{result.stdout[-5000:]}")
    return round(seconds, 2)


def count(path: Path, table: str) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"select count(*) from {table}").fetchone()[0]


def volume(size: int, work: Path, extra: tuple[str, ...]) -> dict:
    path = work / f"volume_{size}.duckdb"
    started = time.perf_counter()
    fill(path, 0, size, FIRST_DAY, 30)
    generated = round(time.perf_counter() - started, 1)
    as_of = f"{FIRST_DAY + timedelta(days=31)} 00:00:00"
    seconds = dbt_build(path, work, as_of, extra)
    return {
        "slowest_nodes": slowest_nodes(work),
        "tickets": size,
        "events": count(path, "raw.ticket_events"),
        "generate_seconds": generated,
        "dbt_seconds": seconds,
        "tickets_per_second": round(size / seconds),
        "database_mb": round(path.stat().st_size / 1e6),
    }


def run(profile: Profile) -> dict:
    rows = []
    with tempfile.TemporaryDirectory(prefix="dbt-bench-") as tmp:
        for size in profile.dbt_sizes:
            log(f"dbt: {profile.dbt_label} on {size:,} tickets over 30 days …")
            rows.append(volume(size, Path(tmp), profile.dbt_args))
            log(f"dbt: {size:,} tickets in {rows[-1]['dbt_seconds']} s")
    return {"command": profile.dbt_label, "volume": rows}
