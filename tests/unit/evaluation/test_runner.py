"""The evaluation runner: cache, retries, failures kept, budget, flags, concurrency."""

from datetime import date

import orjson
import pytest
from judges import CountingJudge, item, verdict

from ticket_platform.evaluation.judge import JudgeReplyError, JudgeUnavailableError
from ticket_platform.evaluation.pricing import Price
from ticket_platform.evaluation.rubric import Criterion
from ticket_platform.evaluation.runner import RunLimits, evaluate

DAY = date(2026, 11, 20)
FAST = RunLimits(concurrency=4, backoff_initial_s=0, backoff_max_s=0)


def cache_of(rows: list[dict]) -> dict[str, str]:
    """What the warehouse would return as the cache after these rows were written."""
    return {row["ticket_id"]: row["cache_key"] for row in rows if row["status"] == "evaluated"}


def test_a_rerun_over_unchanged_tickets_makes_zero_model_calls():
    items = [item(f"T-{n}") for n in range(12)]
    judge = CountingJudge()
    first = evaluate(items, judge, partition_date=DAY, limits=FAST)
    assert len(judge.calls) == 12 and first.stats.evaluated == 12

    second = evaluate(items, judge, partition_date=DAY, cached=cache_of(first.rows), limits=FAST)
    assert len(judge.calls) == 12  # no new call
    assert second.rows == [] and second.stats.cached == 12 and second.stats.model_calls == 0


def test_a_changed_response_or_judge_parameters_miss_the_cache():
    items = [item("T-1"), item("T-2")]
    judge = CountingJudge()
    cache = cache_of(evaluate(items, judge, partition_date=DAY, limits=FAST).rows)

    edited = [item("T-1", response="A new reply."), item("T-2")]
    run = evaluate(edited, judge, partition_date=DAY, cached=cache, limits=FAST)
    assert [row["ticket_id"] for row in run.rows] == ["T-1"]

    warmer = CountingJudge(parameters={"temperature": 0.7})
    run = evaluate(items, warmer, partition_date=DAY, cached=cache, limits=FAST)
    assert len(run.rows) == 2


def test_throttling_is_retried_and_the_attempts_are_recorded():
    def script(it, attempt):
        return JudgeUnavailableError("ThrottlingException: slow down") if attempt < 3 else verdict()

    judge = CountingJudge(script)
    run = evaluate([item("T-1")], judge, partition_date=DAY, limits=FAST)
    (row,) = run.rows
    assert row["status"] == "evaluated" and row["attempts"] == 3
    assert run.stats.model_calls == 3 and run.stats.retries == 2


def test_a_failure_is_recorded_with_its_error_then_retried_on_the_next_run():
    broken = CountingJudge(lambda it, attempt: JudgeReplyError("reply is not a valid verdict"))
    first = evaluate([item("T-1"), item("T-2")], broken, partition_date=DAY, limits=FAST)
    assert [row["status"] for row in first.rows] == ["failed", "failed"]
    assert "JudgeReplyError: reply is not a valid verdict" in first.rows[0]["error"]
    assert first.rows[0]["attempts"] == 1  # a malformed reply is not retried within the run
    assert first.rows[0][Criterion.professional_tone.value] is None

    healthy = CountingJudge()
    second = evaluate(
        [item("T-1"), item("T-2")],
        healthy,
        partition_date=DAY,
        cached=cache_of(first.rows),
        limits=FAST,
    )
    assert len(healthy.calls) == 2 and second.stats.evaluated == 2


def test_retries_stop_after_max_attempts_and_the_ticket_is_kept_as_failed():
    judge = CountingJudge(lambda it, attempt: JudgeUnavailableError("ModelTimeoutException"))
    limits = RunLimits(concurrency=1, max_attempts=3, backoff_initial_s=0, backoff_max_s=0)
    (row,) = evaluate([item("T-1")], judge, partition_date=DAY, limits=limits).rows
    assert row["status"] == "failed" and row["attempts"] == 3 and len(judge.calls) == 3


def test_the_call_budget_stops_cleanly_and_defers_the_rest():
    items = [item(f"T-{n:02}") for n in range(10)]
    judge = CountingJudge()
    limits = RunLimits(concurrency=1, max_calls=3)
    run = evaluate(items, judge, partition_date=DAY, limits=limits)
    statuses = [row["status"] for row in run.rows]
    assert statuses.count("evaluated") == 3 and statuses.count("deferred") == 7
    assert len(judge.calls) == 3
    assert all("budget" in row["error"] for row in run.rows if row["status"] == "deferred")

    rest = evaluate(items, judge, partition_date=DAY, cached=cache_of(run.rows), limits=FAST)
    assert rest.stats.evaluated == 7 and rest.stats.cached == 3


def test_the_cost_budget_is_never_exceeded_even_with_concurrent_calls():
    price = Price(input_per_1k=0.001, output_per_1k=0.002)  # 1000 + 200 tokens = $0.0014
    items = [item(f"T-{n:02}") for n in range(40)]
    judge = CountingJudge(delay_s=0.01)
    limits = RunLimits(concurrency=8, max_cost_usd=0.02)
    run = evaluate(items, judge, partition_date=DAY, limits=limits, price=price)
    spent = sum(row["cost_usd"] for row in run.rows if row["status"] == "evaluated")
    assert 0 < spent <= 0.02
    assert run.stats.deferred == 40 - run.stats.evaluated > 0
    assert all(row["cost_usd"] == pytest.approx(0.0014) for row in run.rows if row["cost_usd"])


def test_calls_run_concurrently_up_to_the_limit():
    judge = CountingJudge(delay_s=0.05)
    items = [item(f"T-{n:02}") for n in range(24)]
    evaluate(items, judge, partition_date=DAY, limits=RunLimits(concurrency=6))
    assert judge.max_in_flight == 6


def test_a_verdict_that_contradicts_a_checkable_fact_is_flagged():
    def facts(it):
        return {Criterion.professional_tone: ["contraction: isn't"]}, ["ticket: 'ignore previous'"]

    judge = CountingJudge()
    (row,) = evaluate([item("T-1")], judge, partition_date=DAY, limits=FAST, fact_check=facts).rows
    flags = orjson.loads(row["flags"])
    assert "disagreement: professional_tone passed although contraction: isn't" in flags
    assert "steering: ticket: 'ignore previous'" in flags
    assert row["flag_count"] == 2 and row["steering_attempt"] is True


def test_a_failed_criterion_is_not_flagged_and_rows_carry_reasoning_and_usage():
    judge = CountingJudge(lambda it, attempt: verdict(failing=("professional_tone",)))
    price = Price(0.0008, 0.0032)
    (row,) = evaluate(
        [item("T-1")],
        judge,
        partition_date=DAY,
        limits=FAST,
        price=price,
        fact_check=lambda it: ({Criterion.professional_tone: ["contraction: isn't"]}, []),
    ).rows
    assert row["flag_count"] == 0 and row["professional_tone"] is False
    assert row["all_passed"] is False
    assert row["professional_tone_reasoning"] == "checked professional_tone"
    assert (row["input_tokens"], row["output_tokens"]) == (1000, 200)
    assert row["cost_usd"] == pytest.approx(0.0008 + 0.00064)
    assert row["judge"] == "fake-llm:fake-model-1" and row["partition_date"] == DAY


def test_an_llm_verdict_that_passes_a_wrong_aws_detail_is_flagged():
    """The rules' fact check is the second opinion: CountingJudge passes every criterion, and
    the reply runs a lambda command that does not exist."""
    from ticket_platform.evaluation.rules import fact_check

    wrong = item("T-1").model_copy(
        update={"response_text": "Please run `aws lambda get-function-config --function-name f`."}
    )
    (row,) = evaluate(
        [wrong], CountingJudge(), partition_date=DAY, limits=FAST, fact_check=fact_check
    ).rows
    flags = orjson.loads(row["flags"])
    assert any(
        flag.startswith("disagreement: technical_accuracy passed although cli_command:")
        and "get-function-configuration" in flag
        for flag in flags
    ), flags


def test_a_judge_that_crashes_releases_its_budget_reservation():
    """An exception that is not a JudgeError propagates, and the run's budget is not left held
    (an item waiting for budget would otherwise wait forever)."""
    from ticket_platform.evaluation.runner import Budget, _Context

    class Crashing(CountingJudge):
        def judge(self, it):
            raise RuntimeError("bug in the judge")

    budget = Budget(max_calls=10, max_cost_usd=None)
    context = _Context(Crashing(), DAY, FAST, None, None, "run", budget)
    with pytest.raises(RuntimeError, match="bug in the judge"):
        context.evaluate_one(item("T-1"), "key")
    assert budget.reserved_calls == 0 and budget.reserved == 0.0 and budget.calls == 0
