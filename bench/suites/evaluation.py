"""Evaluation throughput: the judge runner with a stand-in model of fixed latency.

The stand-in is a langchain chat model that sleeps ``evaluation_latency_s`` and replies with a
fixed, valid verdict as JSON, so every call goes through the real path: prompt building, the
langchain invoke, JSON extraction, pydantic validation, the runner's thread pool, retries and
budget bookkeeping, and row building. It measures how well the runner overlaps model latency,
not a model. A second run over the same tickets, with the first run's verdicts as the cache,
must make 0 model calls.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import date
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from bench.common import log
from bench.profiles import Profile
from ticket_platform.evaluation.llm import LangChainJudge
from ticket_platform.evaluation.rubric import CRITERIA, EvaluationItem
from ticket_platform.evaluation.runner import RunLimits, evaluate

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


def run(profile: Profile) -> dict:
    judge = LangChainJudge(
        FixedLatencyModel(latency_s=profile.evaluation_latency_s),
        name="langchain",
        model_id="fixed-latency-stand-in",
        method="json",
    )
    batch = items(profile.evaluation_items)
    timed_run(batch[:4], judge, 4)  # warm-up: imports, pydantic schema, thread start-up
    rows = []
    for concurrency in profile.evaluation_concurrency:
        seconds = statistics.median(
            timed_run(batch, judge, concurrency)[0] for _ in range(profile.repeats)
        )
        rows.append({"concurrency": concurrency, "seconds": round(seconds, 3)})
        log(f"evaluation: concurrency {concurrency}: {seconds:.2f} s")
    sequential = rows[0]["seconds"]
    for row in rows:
        row["responses_per_s"] = round(profile.evaluation_items / row["seconds"], 1)
        row["speedup"] = round(sequential / row["seconds"], 1)

    _, first = timed_run(batch, judge, max(profile.evaluation_concurrency))
    cache = {r["ticket_id"]: r["cache_key"] for r in first.rows if r["status"] == "evaluated"}
    rerun_seconds, rerun = timed_run(batch, judge, max(profile.evaluation_concurrency), cache)
    return {
        "items": profile.evaluation_items,
        "latency_s": profile.evaluation_latency_s,
        "runs": rows,
        "rerun": {
            "model_calls": rerun.stats.model_calls,
            "cached": rerun.stats.cached,
            "seconds": round(rerun_seconds, 4),
        },
    }
