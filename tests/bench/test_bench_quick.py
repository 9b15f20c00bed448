"""`make bench-quick`: the whole runner at toy sizes works end to end (it asserts no speed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.profiles import QUICK
from bench.run import SUITES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("bench-out")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TICKET_", "DAGSTER_"))}
    env["BENCH_WORK"] = str(tmp_path_factory.mktemp("bench-work"))
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done, out


def _result(out: Path, suite: str) -> dict:
    record = json.loads((out / "results" / f"{suite}.json").read_text())
    assert "error" not in record, record.get("error")
    return record["result"]


def test_every_suite_runs_and_is_recorded(quick_run):
    done, out = quick_run
    assert done.returncode == 0, done.stderr[-4000:]
    run = json.loads((out / "results" / "run.json").read_text())
    assert run["profile"]["name"] == "quick"
    assert run["versions"]["dlt"] != "not installed"
    assert run["machine"]["cpus"] >= 1
    for suite in SUITES:
        assert _result(out, suite)


def test_every_ingest_contender_loads_every_file(quick_run):
    _, out = quick_run
    (size,) = _result(out, "ingest")["sizes"]
    assert set(size["contenders"]) == {
        "plain_read_parse",
        "platform_ingest",
        "dlt",
        "duckdb_read_json",
        "duckdb_write_alone",
    }
    for name, contender in size["contenders"].items():
        assert contender["rows"] == QUICK.ingest_sizes[0], name
        assert contender["seconds"] > 0 and contender["peak_rss_mb"] > 0
    assert size["platform_vs_dlt"] > 0 and size["platform_vs_plain"] > 0


def test_s3_incremental_and_evaluation_measure_what_they_say(quick_run):
    _, out = quick_run
    s3 = _result(out, "ingest_s3")
    assert [r["workers"] for r in s3["runs"]] == [*QUICK.s3_workers, max(QUICK.s3_workers)]
    assert all(r["rows"] == s3["files"] == QUICK.s3_files for r in s3["runs"])

    incremental = _result(out, "incremental")
    (history,) = incremental["history"]
    new_day = incremental["alone"]["rows"]
    assert new_day > 0 and history["rows"] == new_day  # the same day, alone and on history
    generated = QUICK.incremental_per_day * (history["history_days"] + 1)
    assert history["history_rows"] + new_day == generated

    evaluation = _result(out, "evaluation")
    assert evaluation["rerun"]["model_calls"] == 0
    assert evaluation["rerun"]["cached"] == QUICK.evaluation_items

    (routing,) = _result(out, "routing")["sizes"]
    assert routing["tickets"] == QUICK.routing_sizes[0] and routing["predicted"] > 0
    assert routing["train_seconds"] > 0 and routing["artifact_mb"] > 0
    assert 0.5 < routing["reference_accuracy"] <= 1  # 12 teams: guessing gets 8 %


def test_the_redshift_write_path_sends_one_statement_per_batch(quick_run):
    _, out = quick_run
    (size,) = _result(out, "redshift_writes")["sizes"]
    assert size["rows"] == QUICK.redshift_write_rows[0]
    for name, path in size["paths"].items():
        assert path["copies"] + path["multi_row_inserts"] == path["batches"] >= 1, name
        assert path["staged_objects_left"] == 0, name


def test_the_judge_fact_check_grades_every_labelled_reply_and_is_timed(quick_run):
    _, out = quick_run
    judge_facts = _result(out, "judge_facts")
    assert judge_facts["rejected"] == 0
    assert judge_facts["quality"]["all"]["rows"] == judge_facts["reference_rows"] > 0
    latency = judge_facts["latency"]
    assert latency["replies"] == judge_facts["reference_rows"]
    assert latency["repeats"] == QUICK.judge_facts_repeats
    assert latency["with_ms_per_reply"] > 0 and latency["without_ms_per_reply"] > 0
    assert judge_facts["load"]["load_seconds"] > 0


def test_the_report_has_every_section_its_targets_and_plots(quick_run):
    _, out = quick_run
    text = (out / "RESULTS.md").read_text()
    for heading in ("## Targets", "## 1. Ingest", "## 1b. Ingest from S3", "## 2. Incremental",
                    "## 3. ", "## 4. Evaluation", "## 4b. Rules judge fact check",
                    "## 6. Landing sensor", "## 7. Routing", "## 8. Redshift write path",
                    "## Profile"):  # fmt: skip
        assert heading in text
    assert "FAILED" not in text
    plots = sorted((out / "plots").glob("*.png"))
    assert {p.stem for p in plots} == {
        "ingest_throughput", "ingest_s3", "incremental", "dbt_volume", "evaluation", "sensor",
        "routing",
    }  # fmt: skip
    for plot in plots:
        assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"(plots/{plot.name})" in text
