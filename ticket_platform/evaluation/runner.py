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
    """Calls and estimated cost reserved before each item and settled after it (thread-safe).

    A reservation that would fit once the items in flight have settled waits for them; one that
    would not fit even then is refused, so a run never spends past its budget and never defers an
    item only because others held a worst-case reservation they did not use.
    """

    def __init__(self, max_calls: int | None, max_cost_usd: float | None) -> None:
        self.max_calls, self.max_cost = max_calls, max_cost_usd
        self.calls, self.spent, self.reserved = 0, 0.0, 0.0  # calls: used + reserved
        self.reserved_calls = 0
        self._settled = threading.Condition()

    def reserve(self, estimate: float, calls: int = 1) -> bool:
        """Hold ``calls`` model calls and ``estimate`` USD for one item; False when they cannot
        fit the budget."""
        with self._settled:
            while self._fits(estimate, calls, with_in_flight=False):
                if self._fits(estimate, calls, with_in_flight=True):
                    self.calls += calls
                    self.reserved_calls += calls
                    self.reserved += estimate
                    return True
                self._settled.wait()
            return False

    def settle(
        self, estimate: float, actual: float, calls: int = 1, used_calls: int | None = None
    ) -> None:
        """Release a reservation: ``actual`` USD spent, ``used_calls`` of the ``calls`` held
        (``None``: count them all)."""
        with self._settled:
            self.reserved -= estimate
            self.spent += actual
            self.reserved_calls -= calls
            if used_calls is not None:
                self.calls += used_calls - calls
            self._settled.notify_all()

    def _fits(self, estimate: float, calls: int, *, with_in_flight: bool) -> bool:
        held_calls = self.reserved_calls if with_in_flight else 0
        held_cost = self.reserved if with_in_flight else 0.0
        used_calls = self.calls - self.reserved_calls
        if self.max_calls is not None and used_calls + held_calls + calls > self.max_calls:
            return False
        return self.max_cost is None or self.spent + held_cost + estimate <= self.max_cost


def worst_case_usage(judge: Judge, item: EvaluationItem) -> tuple[int, int, int]:
    """The most (input tokens, output tokens, model calls) judging ``item`` can take: the judge's
    own ``worst_case_usage`` (a judge making several calls per item has one), else one call."""
    own = getattr(judge, "worst_case_usage", None)
    if own is not None:
        return own(item)
    return estimated_input_tokens(item), MAX_OUTPUT_TOKENS, 1


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
        estimate, calls = 0.0, 1
        if self.judge.calls_model:
            input_tokens, output_tokens, calls = worst_case_usage(self.judge, item)
            if self.price is not None:
                estimate = self.price.cost(input_tokens, output_tokens)
            if not self.budget.reserve(estimate, calls):
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
            # What the item's calls cost before the error (a multi-call judge says; else none).
            spent_in = getattr(error, "input_tokens", 0)
            spent_out = getattr(error, "output_tokens", 0)
            answered = getattr(error, "model_calls", None)
            cost = self.price.cost(spent_in, spent_out) if self.price else None
            # The failing call itself may have been billed too.
            used = None if answered is None else min(calls, answered + 1)
            self.budget.settle(estimate, cost or 0.0, calls, used)
            stats.failed += 1
            self._count_calls(stats, attempts, answered or 0)
            row = self._row(item, key, "failed", error=f"{type(error).__name__}: {error}")
            row["attempts"] = attempts
            if spent_in or spent_out:
                row.update(input_tokens=spent_in, output_tokens=spent_out)
                row["cost_usd"] = round(cost, 6) if cost is not None else None
                self._count_usage(stats, spent_in, spent_out, cost)
            return row, stats
        except BaseException:
            # A bug, not a judge's error: release the reservation, or items waiting for the
            # budget would wait for it forever.
            self.budget.settle(estimate, 0.0, calls, 0)
            raise

        model_calls = getattr(reply, "model_calls", 1)
        cost = self.price.cost(reply.input_tokens, reply.output_tokens) if self.price else None
        self.budget.settle(estimate, cost or 0.0, calls, model_calls)
        self._count_calls(stats, attempts, model_calls - 1)
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
        self._count_usage(stats, reply.input_tokens, reply.output_tokens, cost)
        return row, stats

    def _count_calls(self, stats: RunStats, attempts: int, other_calls: int) -> None:
        """Model calls: one per attempt (its last call), plus the other calls of a multi-call
        judge (each made once: its answers are kept across attempts)."""
        if self.judge.calls_model:
            stats.model_calls += attempts + other_calls
            stats.retries += max(0, attempts - 1)

    @staticmethod
    def _count_usage(stats: RunStats, input_tokens: int, output_tokens: int, cost: float | None):
        stats.input_tokens += input_tokens
        stats.output_tokens += output_tokens
        stats.cost_usd += cost or 0.0

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
