"""Run a judge over many tickets: cached, concurrent, retried, on a budget, nothing lost.

``evaluate`` returns one row per ticket that needed work, shaped like
``evaluation.response_evaluations`` (see ``store_sql``):

* tickets whose stored verdict has the same cache key (ticket text, rubric, judge, parameters)
  are skipped: a re-run makes zero model calls;
* the others are judged by up to ``concurrency`` threads; throttling and timeouts are retried with
  exponential backoff and full jitter; what still fails becomes a ``failed`` row with its error,
  which is not a cache hit, so the next run tries again;
* a budget (max calls, max estimated cost) is reserved before each call, so a run never spends
  past it; tickets left when it runs out become ``deferred`` rows for the next run.

A second opinion (the rules judge's checkable facts) flags verdicts that pass a criterion despite
a fact that contradicts it, and steering text found in the ticket or response.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any

import orjson
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from ticket_platform.evaluation.judge import Judge, JudgeError, JudgeReply, judge_id
from ticket_platform.evaluation.pricing import Price
from ticket_platform.evaluation.prompt import MAX_OUTPUT_TOKENS, estimated_input_tokens
from ticket_platform.evaluation.rubric import CRITERIA, RUBRIC_VERSION, Criterion, EvaluationItem

# The rules judge's objective findings: violations per criterion, and steering signals.
FactCheck = Callable[[EvaluationItem], tuple[Mapping[Criterion, list[str]], list[str]]]


@dataclass(frozen=True)
class RunLimits:
    concurrency: int = 16
    max_calls: int | None = None
    max_cost_usd: float | None = None
    max_attempts: int = 4
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 30.0


@dataclass
class RunStats:
    items: int = 0
    cached: int = 0
    evaluated: int = 0
    failed: int = 0
    deferred: int = 0
    model_calls: int = 0  # attempts that reached the model, retries included
    retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    flagged: int = 0
    passed: dict[str, int] = field(default_factory=lambda: {c.value: 0 for c in CRITERIA})
    all_passed: int = 0

    def add(self, other: RunStats) -> None:
        for counter in fields(self):
            if counter.name != "passed":
                name = counter.name
                setattr(self, name, getattr(self, name) + getattr(other, name))
        for criterion, count in other.passed.items():
            self.passed[criterion] += count

    def pass_rates(self) -> dict[str, float | None]:
        if not self.evaluated:
            return {**dict.fromkeys(self.passed), "all_criteria": None}
        rates = {c: round(n / self.evaluated, 4) for c, n in self.passed.items()}
        return {**rates, "all_criteria": round(self.all_passed / self.evaluated, 4)}


@dataclass
class EvaluationRun:
    rows: list[dict[str, Any]]
    stats: RunStats


class Budget:
    """Calls and estimated cost reserved before each call and settled after it (thread-safe)."""

    def __init__(self, max_calls: int | None, max_cost_usd: float | None) -> None:
        self.max_calls, self.max_cost = max_calls, max_cost_usd
        self.calls, self.spent, self.reserved = 0, 0.0, 0.0
        self._lock = threading.Lock()

    def reserve(self, estimate: float) -> bool:
        with self._lock:
            if self.max_calls is not None and self.calls >= self.max_calls:
                return False
            if self.max_cost is not None and self.spent + self.reserved + estimate > self.max_cost:
                return False
            self.calls += 1
            self.reserved += estimate
            return True

    def settle(self, estimate: float, actual: float) -> None:
        with self._lock:
            self.reserved -= estimate
            self.spent += actual


def cache_key(item: EvaluationItem, judge: Judge) -> str:
    """What a stored verdict must match to be reused."""
    parts = [
        item.ticket_id,
        item.content_hash(),
        RUBRIC_VERSION,
        judge.name,
        judge.model_id,
        judge.parameters(),
    ]
    return hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).hexdigest()


def evaluate(
    items: Iterable[EvaluationItem],
    judge: Judge,
    *,
    partition_date: date,
    cached: Mapping[str, str] | None = None,
    limits: RunLimits = RunLimits(),
    price: Price | None = None,
    fact_check: FactCheck | None = None,
    run_id: str | None = None,
    budget: Budget | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> EvaluationRun:
    """Judge every item whose ``cached`` key (ticket_id -> cache key) is absent or stale.

    Pass one ``budget`` to several calls to share it across partitions of one run.
    """
    cached = cached or {}
    stats = RunStats()
    todo: list[tuple[EvaluationItem, str]] = []
    for item in sorted(items, key=lambda i: i.ticket_id):
        stats.items += 1
        key = cache_key(item, judge)
        if cached.get(item.ticket_id) == key:
            stats.cached += 1
        else:
            todo.append((item, key))
    if budget is None:
        budget = Budget(limits.max_calls, limits.max_cost_usd if price else None)
    context = _Context(judge, partition_date, limits, price, fact_check, run_id, budget)

    rows: list[dict[str, Any]] = []
    progress_every = max(1, len(todo) // 20)
    workers = max(1, min(limits.concurrency, len(todo)))
    with ThreadPoolExecutor(workers, thread_name_prefix="judge") as pool:
        for done, (row, item_stats) in enumerate(
            pool.map(lambda pair: context.evaluate_one(*pair), todo), start=1
        ):
            rows.append(row)
            stats.add(item_stats)
            if on_progress and (done % progress_every == 0 or done == len(todo)):
                on_progress(done, len(todo))
    return EvaluationRun(rows, stats)


@dataclass(frozen=True)
class _Context:
    judge: Judge
    partition_date: date
    limits: RunLimits
    price: Price | None
    fact_check: FactCheck | None
    run_id: str | None
    budget: Budget

    def evaluate_one(self, item: EvaluationItem, key: str) -> tuple[dict[str, Any], RunStats]:
        stats = RunStats()
        estimate = 0.0
        if self.judge.calls_model:
            if self.price is not None:
                estimate = self.price.cost(estimated_input_tokens(item), MAX_OUTPUT_TOKENS)
            if not self.budget.reserve(estimate):
                stats.deferred += 1
                return self._row(item, key, "deferred", error=self._budget_note()), stats

        attempts = 0

        def attempt() -> tuple[JudgeReply, float]:
            nonlocal attempts
            attempts += 1
            started = time.perf_counter()
            reply = self.judge.judge(item)
            return reply, (time.perf_counter() - started) * 1000

        try:
            reply, latency_ms = self._retrying()(attempt)
        except JudgeError as error:
            self.budget.settle(estimate, 0.0)
            stats.failed += 1
            self._count_calls(stats, attempts)
            row = self._row(item, key, "failed", error=f"{type(error).__name__}: {error}")
            row["attempts"] = attempts
            return row, stats

        cost = self.price.cost(reply.input_tokens, reply.output_tokens) if self.price else None
        self.budget.settle(estimate, cost or 0.0)
        self._count_calls(stats, attempts)
        flags = self._flags(item, reply)
        verdict = reply.verdict
        row = self._row(item, key, "evaluated", flags=flags)
        for criterion in CRITERIA:
            decision = getattr(verdict, criterion.value)
            row[criterion.value] = decision.passed
            row[f"{criterion.value}_reasoning"] = decision.reasoning
            stats.passed[criterion.value] += int(decision.passed)
        row.update(
            all_passed=verdict.all_passed(),
            steering_attempt=verdict.steering_attempt
            or any(flag.startswith("steering") for flag in flags),
            attempts=attempts,
            latency_ms=round(latency_ms, 1),
            input_tokens=reply.input_tokens,
            output_tokens=reply.output_tokens,
            cost_usd=round(cost, 6) if cost is not None else None,
        )
        stats.evaluated += 1
        stats.all_passed += int(verdict.all_passed())
        stats.flagged += int(bool(flags))
        stats.input_tokens += reply.input_tokens
        stats.output_tokens += reply.output_tokens
        stats.cost_usd += cost or 0.0
        return row, stats

    def _count_calls(self, stats: RunStats, attempts: int) -> None:
        if self.judge.calls_model:
            stats.model_calls += attempts
            stats.retries += max(0, attempts - 1)

    def _retrying(self) -> Retrying:
        return Retrying(
            retry=retry_if_exception(lambda e: isinstance(e, JudgeError) and e.retryable),
            wait=wait_random_exponential(
                multiplier=self.limits.backoff_initial_s, max=self.limits.backoff_max_s
            ),
            stop=stop_after_attempt(self.limits.max_attempts),
            reraise=True,
        )

    def _budget_note(self) -> str:
        spent = f"{self.budget.calls} call(s), ${self.budget.spent:.4f} estimated"
        return f"not evaluated: the run's budget is used up ({spent}); next run will retry"

    def _flags(self, item: EvaluationItem, reply: JudgeReply) -> list[str]:
        flags: list[str] = []
        if reply.verdict.steering_attempt and self.judge.name != "rules":
            flags.append("steering: the judge reports text addressed to the evaluator")
        if self.fact_check is None:
            return flags
        violations, steering = self.fact_check(item)
        flags.extend(f"steering: {signal}" for signal in steering)
        if self.judge.name != "rules":
            for criterion in CRITERIA:
                found = violations.get(criterion) or []
                if found and reply.verdict.passed(criterion):
                    flags.append(
                        f"disagreement: {criterion.value} passed although {'; '.join(found)}"
                    )
        return flags

    def _row(
        self,
        item: EvaluationItem,
        key: str,
        status: str,
        *,
        error: str | None = None,
        flags: list[str] | None = None,
    ) -> dict[str, Any]:
        flags = flags or []
        row: dict[str, Any] = {
            "ticket_id": item.ticket_id,
            "judge": judge_id(self.judge),
            "judge_kind": self.judge.name,
            "judge_model": self.judge.model_id,
            "rubric_version": RUBRIC_VERSION,
            "prompt_version": self.judge.parameters().get("prompt_version"),
            "partition_date": self.partition_date,
            "status": status,
            "cache_key": key,
            "content_hash": item.content_hash(),
            "all_passed": None,
            "steering_attempt": None,
            "flags": orjson.dumps(flags).decode(),
            "flag_count": len(flags),
            "error": error,
            "attempts": 0,
            "latency_ms": None,
            "input_tokens": None,
            "output_tokens": None,
            "cost_usd": None,
            "evaluated_at": datetime.now(UTC).replace(tzinfo=None),
            "run_id": self.run_id,
        }
        for criterion in CRITERIA:
            row[criterion.value] = None
            row[f"{criterion.value}_reasoning"] = None
        return row
