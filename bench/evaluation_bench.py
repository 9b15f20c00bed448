"""Evaluation benchmark: judge throughput with a stand-in model of fixed latency.

    python bench/evaluation_bench.py [--items 64] [--latency 0.3] [--repeats 3]

The stand-in is a langchain chat model that sleeps ``--latency`` seconds and replies with a fixed,
valid verdict as JSON, so every call goes through the real path: prompt building, the langchain
invoke, JSON extraction, pydantic validation, the runner's thread pool, retries and budget
bookkeeping, and row building. It measures how well the runner overlaps model latency, not a
model. The second run over the same tickets, with the first run's verdicts as the cache, must make
0 model calls. Results go to bench/results/evaluation-<items>.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from ticket_platform.evaluation.llm import LangChainJudge
from ticket_platform.evaluation.rubric import CRITERIA, EvaluationItem
from ticket_platform.evaluation.runner import RunLimits, evaluate

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
CONCURRENCY = (1, 4, 16, 32, 64)
VERDICT = json.dumps({c.value: {"reasoning": "stand-in verdict", "passed": True} for c in CRITERIA})


class FixedLatencyModel(BaseChatModel):
    """Stand-in chat model: waits ``latency_s``, then answers with a fixed verdict."""

    latency_s: float = 0.3

    @property
    def _llm_type(self) -> str:
        return "fixed-latency-stand-in"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, **kwargs: Any) -> ChatResult:
        time.sleep(self.latency_s)
        message = AIMessage(
            content=VERDICT,
            usage_metadata={"input_tokens": 1500, "output_tokens": 300, "total_tokens": 1800},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])


def items(count: int) -> list[EvaluationItem]:
    return [
        EvaluationItem(
            ticket_id=f"TKT-BENCH-{n:05}",
            subject=f"Lambda timeouts in function {n}",
            description="Our function times out after 3 seconds since yesterday's deployment.",
            product="AWS Lambda",
            issue_type="Timeout",
            response_text="Hello,\n\n1. Open the Lambda console.\n2. Review CloudWatch Logs.",
        )
        for n in range(count)
    ]


def timed_run(batch: list[EvaluationItem], judge: LangChainJudge, concurrency: int, cached=None):
    started = time.perf_counter()
    run = evaluate(
        batch,
        judge,
        partition_date=date(2026, 1, 1),
        cached=cached,
        limits=RunLimits(concurrency=concurrency),
    )
    return time.perf_counter() - started, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=64)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    judge = LangChainJudge(
        FixedLatencyModel(latency_s=args.latency),
        name="langchain",
        model_id="fixed-latency-stand-in",
        method="json",
    )
    batch = items(args.items)
    timed_run(batch[:4], judge, 4)  # warm-up: imports, pydantic schema, thread start-up
    rows = []
    for concurrency in CONCURRENCY:
        seconds = statistics.median(
            timed_run(batch, judge, concurrency)[0] for _ in range(args.repeats)
        )
        rows.append({"concurrency": concurrency, "median_seconds": round(seconds, 3)})
    sequential = rows[0]["median_seconds"]
    for row in rows:
        row["responses_per_second"] = round(args.items / row["median_seconds"], 1)
        row["speedup_vs_sequential"] = round(sequential / row["median_seconds"], 1)

    _, first = timed_run(batch, judge, 16)
    cache = {r["ticket_id"]: r["cache_key"] for r in first.rows if r["status"] == "evaluated"}
    rerun_seconds, rerun = timed_run(batch, judge, 16, cached=cache)
    result = {
        "items": args.items,
        "latency_s": args.latency,
        "repeats": args.repeats,
        "runs": rows,
        "rerun": {
            "model_calls": rerun.stats.model_calls,
            "cached": rerun.stats.cached,
            "seconds": round(rerun_seconds, 4),
        },
        "machine": f"{platform.platform()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}",
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"evaluation-{args.items}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print("| concurrency | seconds | responses/s | speed-up |")
    print("|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['concurrency']} | {row['median_seconds']:.2f} | "
            f"{row['responses_per_second']:,.1f} | {row['speedup_vs_sequential']:.1f}x |"
        )
    print(f"re-run: {rerun.stats.model_calls} model calls, {rerun.stats.cached} cached")
    print(f"written {path}")


if __name__ == "__main__":
    main()
