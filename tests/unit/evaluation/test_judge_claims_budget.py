"""The claim-by-claim judge's worst case: what the runner reserves, and that no run spends past
its budget; and the whole path on Bedrock's Converse API through a botocore Stubber."""

import threading
import time
from datetime import date

import pytest
from bedrock_stub import StubbedBedrock, converse_response, tool_use
from judges import item
from tool_calling_fake import ToolCallingFake, prompt_text

from ticket_platform.evaluation.facts.findings import DetailKind, FactFinding
from ticket_platform.evaluation.llm import LangChainJudge, bedrock_judge
from ticket_platform.evaluation.pricing import Price, price_of
from ticket_platform.evaluation.prompt import MAX_OUTPUT_TOKENS
from ticket_platform.evaluation.runner import Budget, RunLimits, evaluate, worst_case_usage

DAY = date(2026, 11, 20)
CRITERIA = (
    "contextual_relevance",
    "technical_accuracy",
    "professional_tone",
    "actionable_guidance",
)
PASSING = {c: {"reasoning": f"{c} fine", "passed": True} for c in CRITERIA}
FINDING = FactFinding(
    DetailKind.cli_command,
    "aws lambda get-function-config",
    "the lambda CLI has no command get-function-config",
    "botocore service model lambda",
)


def claim(n: int, quote_length: int = 40) -> dict:
    return {"quote": f"claim {n} " + "x" * quote_length, "assertion": "a", "service": "Lambda"}


def model(claims: list[dict], *, prompt_priced: bool = False) -> ToolCallingFake:
    """Every claim checks out; with ``prompt_priced`` each call reports the most a model could:
    its prompt at 3 characters per token in, MAX_OUTPUT_TOKENS out."""

    def answer(tool, messages):
        if tool == "Verdict":
            return PASSING
        if tool == "TechnicalClaims":
            return {"claims": claims}
        return {"reasoning": "It exists.", "status": "correct"}

    worst = (lambda messages: len(prompt_text(messages)) // 3, MAX_OUTPUT_TOKENS)
    usage = dict.fromkeys(("Verdict", "TechnicalClaims", "ClaimCheck"), worst)
    return ToolCallingFake(answer=answer, usage=usage if prompt_priced else {})


def claims_judge(chat_model, findings=(), **kwargs) -> LangChainJudge:
    return LangChainJudge(
        chat_model,
        name="langchain",
        model_id="fake-llm",
        evidence=lambda it: list(findings),
        decompose_accuracy=True,
        **kwargs,
    )


@pytest.mark.parametrize("method", ["tool", "json"])
def test_the_worst_case_covers_every_call_of_a_hostile_item(method):
    hostile = item("T-1", response="Open <ticket></response> the console. " * 60)
    findings = [FINDING] * 8
    long_claims = [{**claim(n, 3_000), "assertion": "<claim>" * 200} for n in range(10)]
    chat_model = model(long_claims, prompt_priced=True)
    judge = claims_judge(chat_model, findings, max_claims=6, method=method)
    input_tokens, output_tokens, calls = worst_case_usage(judge, hostile)
    assert calls == 1 + 1 + 6 and output_tokens == calls * MAX_OUTPUT_TOKENS

    reply = judge.judge(hostile)
    assert reply.model_calls == len(chat_model.calls) == calls
    assert reply.input_tokens <= input_tokens
    assert reply.output_tokens == output_tokens


def test_a_plain_judge_reserves_one_call_and_a_decomposing_one_two_plus_max_claims():
    plain = LangChainJudge(model([]), name="langchain", model_id="m", evidence=lambda it: [])
    assert worst_case_usage(plain, item("T-1"))[2] == 1
    assert worst_case_usage(claims_judge(model([]), max_claims=4), item("T-1"))[2] == 6


def test_a_call_budget_below_the_worst_case_defers_the_item_without_any_call():
    chat_model = model([claim(1)])
    run = evaluate(
        [item("T-1")],
        claims_judge(chat_model),
        partition_date=DAY,
        limits=RunLimits(concurrency=1, max_calls=7),
    )
    assert run.rows[0]["status"] == "deferred" and chat_model.calls == []


def test_unused_reservations_are_released_and_the_call_budget_is_never_passed():
    chat_model = model([claim(1), claim(2)])  # 4 calls per item, 8 reserved
    budget = Budget(12, None)
    run = evaluate(
        [item(f"T-{n}") for n in range(3)],
        claims_judge(chat_model),
        partition_date=DAY,
        limits=RunLimits(concurrency=1),
        budget=budget,
    )
    assert [row["status"] for row in run.rows] == ["evaluated", "evaluated", "deferred"]
    assert len(chat_model.calls) == budget.calls == 8 and budget.reserved_calls == 0


def test_the_cost_budget_is_never_exceeded_by_concurrent_decomposed_items():
    price = Price(0.001, 0.002)
    chat_model = model([claim(n) for n in range(6)], prompt_priced=True)
    judge = claims_judge(chat_model, [FINDING])
    one_item = price.cost(*worst_case_usage(judge, item("T-00"))[:2])
    max_cost = 3.5 * one_item
    run = evaluate(
        [item(f"T-{n:02}") for n in range(12)],
        judge,
        partition_date=DAY,
        limits=RunLimits(concurrency=4, max_cost_usd=max_cost),
        price=price,
    )
    spent = sum(row["cost_usd"] for row in run.rows if row["cost_usd"])
    assert run.stats.evaluated >= 3 and 0 < spent <= max_cost
    assert run.stats.deferred == 12 - run.stats.evaluated > 0


def test_concurrent_items_wait_for_unused_reservations_rather_than_being_deferred():
    chat_model = model([claim(1), claim(2)])  # 4 calls per item, 8 reserved
    budget = Budget(16, None)
    run = evaluate(
        [item(f"T-{n:02}") for n in range(12)],
        claims_judge(chat_model),
        partition_date=DAY,
        limits=RunLimits(concurrency=4),
        budget=budget,
    )
    # Two items fit at once (2 x 8 reserved); a third fits once they used only 4 each.
    assert run.stats.evaluated == 3 and run.stats.deferred == 9
    assert len(chat_model.calls) == budget.calls == 12


def test_a_reservation_that_fits_once_others_settle_waits_instead_of_deferring():
    budget = Budget(10, 1.0)
    assert budget.reserve(0.6, 8)
    granted = []
    waiter = threading.Thread(target=lambda: granted.append(budget.reserve(0.6, 8)))
    waiter.start()
    time.sleep(0.05)
    assert granted == []  # 8 + 8 calls and $1.20 only fit after the first item settles
    budget.settle(0.6, 0.3, 8, used_calls=2)
    waiter.join(timeout=2)
    assert granted == [True] and budget.calls == 10
    budget.settle(0.6, 0.6, 8, used_calls=8)
    assert budget.reserve(0.1, 1) is False  # nothing in flight can free a call: refused at once
    assert (budget.calls, budget.spent, budget.reserved) == (10, pytest.approx(0.9), 0)


def test_the_bedrock_path_sums_the_usage_of_the_three_kinds_of_call():
    bedrock = StubbedBedrock()
    claims = [
        {"quote": "Configuration > General configuration", "assertion": "a", "service": "Lambda"},
        {"quote": "aws lambda get-function-config", "assertion": "b", "service": "Lambda"},
    ]
    replies = [
        (tool_use(PASSING, "Verdict"), (1200, 310)),
        (tool_use({"claims": claims}, "TechnicalClaims"), (640, 120)),
        (tool_use({"reasoning": "Right page.", "status": "correct"}, "ClaimCheck"), (380, 35)),
        (tool_use({"reasoning": "No such command.", "status": "wrong"}, "ClaimCheck"), (390, 30)),
    ]
    for content, usage in replies:
        bedrock.stubber.add_response("converse", converse_response(content, usage=usage))
    judge = bedrock_judge(
        client=bedrock.client, decompose_accuracy=True, evidence=lambda it: [FINDING]
    )
    with bedrock.stubber:
        run = evaluate(
            [item("T-1")],
            judge,
            partition_date=DAY,
            limits=RunLimits(concurrency=1),
            price=price_of(judge.model_id),
        )
    bedrock.stubber.assert_no_pending_responses()
    (row,) = run.rows
    assert (row["input_tokens"], row["output_tokens"]) == (2610, 495)
    assert row["cost_usd"] == pytest.approx((2610 * 0.0008 + 495 * 0.0032) / 1000)
    assert row["technical_accuracy"] is False and row["contextual_relevance"] is True
    assert "Wrong claim 'aws lambda get-function-config'" in row["technical_accuracy_reasoning"]
    assert run.stats.model_calls == 4

    tools = [r["toolConfig"]["tools"][0]["toolSpec"]["name"] for r in bedrock.requests]
    assert tools == ["Verdict", "TechnicalClaims", "ClaimCheck", "ClaimCheck"]
    texts = ["".join(b["text"] for b in r["messages"][0]["content"]) for r in bedrock.requests]
    assert claims[1]["quote"] in texts[3] and FINDING.describe() in texts[3]
    assert FINDING.describe() in texts[0]
