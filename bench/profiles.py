"""The two sizes the runner knows: ``full`` (the published numbers) and ``quick`` (a CI smoke test)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    seed: int
    # 1. ingest: every contender on the same generated files
    ingest_sizes: tuple[int, ...]
    ingest_days: int
    repeats: int
    slow_run_seconds: float  # a contender slower than this per run is timed once at that size
    dlt_max_files: int  # dlt is timed once above 60 s a run: ~8 min at 1,000,000 files
    read_json_max_files: int  # DuckDB read_json ran out of memory (18.8 GB) at 100,000 files
    write_alone_max_files: int  # the DuckDB write alone: a yardstick, not a contender
    s3_files: int
    s3_latency_ms: float
    s3_workers: tuple[int, ...]
    # 2. incremental: one new day on top of N days of history, ingest + dbt
    incremental_per_day: int
    incremental_history_days: tuple[int, ...]
    # 3. dbt build by volume (tickets over 30 days, filled with SQL)
    dbt_sizes: tuple[int, ...]
    dbt_incremental_per_day: int  # 0: skip the dbt-only incremental day with lifecycle events
    dbt_tests: bool  # False: `dbt build` without the data tests
    # 4. evaluation with a stand-in model of fixed latency
    evaluation_items: int
    evaluation_latency_s: float
    evaluation_concurrency: tuple[int, ...]
    # 6. sensor ticks
    sensor_sizes: tuple[int, ...]
    sensor_s3_sizes: tuple[int, ...]
    # profile of the ingest hot path
    profile_files: int
    # 7. routing model: training sizes (the default cap is 20,000) and tickets predicted
    routing_sizes: tuple[int, ...]
    routing_predict: int
    # 8. Redshift write path: rows per partition (tickets, events, verdicts, routes)
    redshift_write_rows: tuple[int, ...] = (300,)
    # 4b. rules judge fact check: timing repeats over the labelled replies, fresh-process loads
    judge_facts_repeats: int = 5
    judge_facts_load_runs: int = 3

    @property
    def dbt_args(self) -> tuple[str, ...]:
        return () if self.dbt_tests else ("--exclude-resource-type", "test", "unit_test")

    @property
    def dbt_label(self) -> str:
        return "dbt build" if self.dbt_tests else "dbt build, data tests excluded"

    def as_dict(self) -> dict:
        return asdict(self)


FULL = Profile(
    name="full",
    seed=42,
    ingest_sizes=(10_000, 100_000, 1_000_000),
    ingest_days=30,
    repeats=3,
    slow_run_seconds=60.0,
    dlt_max_files=1_000_000,
    read_json_max_files=100_000,
    write_alone_max_files=100_000,
    s3_files=2_000,
    s3_latency_ms=20.0,
    s3_workers=(1, 8, 32),
    incremental_per_day=10_000,
    incremental_history_days=(1, 7, 30),
    dbt_sizes=(10_000, 100_000, 1_000_000),
    dbt_incremental_per_day=10_000,
    dbt_tests=True,
    evaluation_items=64,
    evaluation_latency_s=0.3,
    evaluation_concurrency=(1, 4, 16, 32, 64),
    sensor_sizes=(10_000, 100_000),
    sensor_s3_sizes=(10_000,),
    profile_files=20_000,
    routing_sizes=(3_000, 20_000, 50_000),
    routing_predict=20_000,
    redshift_write_rows=(500, 5_000, 20_000),
    judge_facts_repeats=7,
    judge_facts_load_runs=3,
)

# Every suite and every contender, at sizes that finish in well under 3 minutes. Its numbers are
# not published; it proves the runner works end to end. dbt builds skip the data tests: the ~350
# of them cost about 20 s a build whatever the size.
QUICK = Profile(
    name="quick",
    seed=7,
    ingest_sizes=(400,),
    ingest_days=2,
    repeats=1,
    slow_run_seconds=60.0,
    dlt_max_files=400,
    read_json_max_files=400,
    write_alone_max_files=400,
    s3_files=60,
    s3_latency_ms=5.0,
    s3_workers=(1, 8),
    incremental_per_day=100,
    incremental_history_days=(1,),
    dbt_sizes=(300,),
    dbt_incremental_per_day=0,
    dbt_tests=False,
    evaluation_items=8,
    evaluation_latency_s=0.05,
    evaluation_concurrency=(1, 8),
    sensor_sizes=(300,),
    sensor_s3_sizes=(),
    profile_files=300,
    routing_sizes=(300,),
    routing_predict=300,
    redshift_write_rows=(300,),
    judge_facts_repeats=2,
    judge_facts_load_runs=1,
)

PROFILES = {p.name: p for p in (FULL, QUICK)}
