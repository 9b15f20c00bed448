"""`dbt build` time by volume on DuckDB, and one incremental day on top of 30 days of history.

The raw tables are filled straight with SQL (this measures dbt, not ingest): tickets spread over
the days with the simulator's shape (priority and sentiment mix, ~7 lifecycle events per ticket:
the workflow's milestones, assignment, resolution, 8 % reopened, 60 % rated, 2 % never resolved)
and every event loaded with its ticket, an hour after the ticket's day ends (as daily loads
would). Late events and their correctness are the business of
tests/integration/test_dbt_incremental.py, not of this benchmark.

    python bench/dbt_bench.py                     # 100,000 and 1,000,000 tickets; 30 days x 10,000 + 1
    python bench/dbt_bench.py --sizes 20000 --per-day 2000     # quick

Three measurements:
  * volume: a fresh warehouse with N tickets over 30 days, `dbt build` (seeds, models, tests);
  * incremental: 30 days of history built, then one new day loaded and `dbt build` again;
  * day alone: a fresh warehouse with that day only, `dbt build`.
The target is incremental <= 1.3 x day alone: cost grows with new data, not with history.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

from ticket_platform.defs.transform.project import DBT_PROJECT_DIR, dbt_executable
from ticket_platform.evaluation.store import ensure_evaluation_tables
from ticket_platform.lib.events_ingest import ensure_event_tables
from ticket_platform.lib.ingest import ensure_tables
from ticket_platform.lib.warehouse import duckdb_session

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
RESULTS = Path(__file__).parent / "results" / "dbt_bench.json"


def _products_sql() -> str:
    return "[" + ", ".join(f"'{p}'" for p in PRODUCTS) + "]"


def fill(path: Path, first_id: int, count: int, first_day: date, days: int) -> None:
    """Append ``count`` tickets submitted over ``days`` days from ``first_day``, with events."""
    with duckdb_session(path) as session:
        ensure_tables(session)
        ensure_event_tables(session)
        ensure_evaluation_tables(session)
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


def dbt_build(path: Path, work: Path, as_of: str) -> float:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TICKET_")},
        "TICKET_WAREHOUSE_PATH": str(path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        dbt_executable(),
        "build",
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
    result = subprocess.run(command, env=env, cwd=work, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"dbt build failed:\n{result.stdout[-5000:]}")
    return round(seconds, 2)


def count(path: Path, table: str) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"select count(*) from {table}").fetchone()[0]


def volume(size: int, work: Path) -> dict:
    path = work / f"volume_{size}.duckdb"
    started = time.perf_counter()
    fill(path, 0, size, FIRST_DAY, 30)
    generated = round(time.perf_counter() - started, 1)
    as_of = f"{FIRST_DAY + timedelta(days=31)} 00:00:00"
    seconds = dbt_build(path, work, as_of)
    return {
        "slowest_nodes": slowest_nodes(work),
        "tickets": size,
        "events": count(path, "raw.ticket_events"),
        "generate_seconds": generated,
        "dbt_build_seconds": seconds,
        "tickets_per_second": round(size / seconds),
        "database_mb": round(path.stat().st_size / 1e6),
    }


def incremental(per_day: int, work: Path) -> dict:
    history = work / "history.duckdb"
    new_day = FIRST_DAY + timedelta(days=30)
    as_of = f"{new_day + timedelta(days=1)} 00:00:00"
    fill(history, 0, 30 * per_day, FIRST_DAY, 30)
    first_build = dbt_build(history, work, as_of)
    fill(history, 30 * per_day, per_day, new_day, 1)
    incremental_build = dbt_build(history, work, as_of)
    incremental_nodes = slowest_nodes(work)
    alone = work / "alone.duckdb"
    fill(alone, 30 * per_day, per_day, new_day, 1)
    alone_build = dbt_build(alone, work, as_of)
    return {
        "history_tickets": 30 * per_day,
        "day_tickets": per_day,
        "history_build_seconds": first_build,
        "incremental_day_seconds": incremental_build,
        "day_alone_seconds": alone_build,
        "ratio": round(incremental_build / alone_build, 2),
        "incremental_slowest_nodes": incremental_nodes,
        "alone_slowest_nodes": slowest_nodes(work),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--per-day", type=int, default=10_000)
    args = parser.parse_args()
    report: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "duckdb": duckdb.__version__,
        "volume": [],
    }
    with tempfile.TemporaryDirectory(prefix="dbt-bench-") as tmp:
        work = Path(tmp)
        for size in args.sizes:
            result = volume(size, work)
            print(json.dumps(result), flush=True)
            report["volume"].append(result)
        report["incremental"] = incremental(args.per_day, work)
        print(json.dumps(report["incremental"]), flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
