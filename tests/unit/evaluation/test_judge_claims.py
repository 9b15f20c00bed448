"""Claim-by-claim technical accuracy: calls and their order, aggregation, tokens, cost, budget."""

from datetime import date

import pytest
from judges import item
from tool_calling_fake import ToolCallingFake, prompt_text

from ticket_platform.evaluation.claims import MAX_CLAIMS, ClaimCheck
from ticket_platform.evaluation.claims_prompt import CLAIMS_PROMPT_VERSION
from ticket_platform.evaluation.facts.findings import DetailKind, FactFinding
from ticket_platform.evaluation.judge import (
    JudgeReplyError,
    JudgeRequestError,
    JudgeUnavailableError,
)
from ticket_platform.evaluation.llm import LangChainJudge
from ticket_platform.evaluation.pricing import Price
from ticket_platform.evaluation.runner import Budget, RunLimits, cache_key, evaluate

DAY = date(2026, 11, 20)
FAST = RunLimits(concurrency=1, backoff_initial_s=0, backoff_max_s=0)
CRITERIA = (
    "contextual_relevance",
    "technical_accuracy",
    "professional_tone",
    "actionable_guidance",
)
PASSING = {c: {"reasoning": f"whole reply: {c} fine", "passed": True} for c in CRITERIA}
TIMEOUT = {
    "quote": "raise Timeout under Configuration > General configuration",
    "assertion": "The Lambda console sets the timeout under General configuration.",
    "service": "AWS Lambda",
}
BAD_COMMAND = {
    "quote": "aws lambda get-function-config",
    "assertion": "The Lambda CLI has a get-function-config command.",
    "service": "AWS Lambda",
}
METRIC = {
    "quote": "the Throttles metric",
    "assertion": "Lambda publishes a Throttles metric.",
    "service": "AWS Lambda",
}
FINDING = FactFinding(
    DetailKind.log_group,
    "/aws/lambda-logs/my-fn",
    "Lambda writes to /aws/lambda/<function name>",
    "AWS docs",
)
USAGE = {"Verdict": (1200, 300), "TechnicalClaims": (700, 150), "ClaimCheck": (400, 40)}


def claim_block(messages) -> str:
    text = prompt_text(messages)
    return text[text.index("<claim>") : text.index("</claim>")]


def scripted(claims, statuses, *, fail=None):
    """A model answering the verdict, the claims, then each claim's status by its quote.

    ``fail(tool, messages)`` may return an exception to raise instead.
    """

    def answer(tool, messages):
        if fail is not None and (error := fail(tool, messages)) is not None:
            return error
        if tool == "Verdict":
            return PASSING
        if tool == "TechnicalClaims":
            return {"claims": claims}
        block = claim_block(messages)
        quote = next(q for q in statuses if q in block)
        return {"reasoning": f"{quote}: {statuses[quote]}", "status": statuses[quote]}

    return ToolCallingFake(answer=answer, usage=USAGE)


def claims_judge(model, findings=(), **kwargs) -> LangChainJudge:
    return LangChainJudge(
        model,
        name="langchain",
        model_id="fake-llm",
        evidence=lambda it: list(findings),
        decompose_accuracy=True,
        **kwargs,
    )


def test_the_verdict_comes_first_then_the_claims_then_one_check_per_claim():
    model = scripted(
        [TIMEOUT, BAD_COMMAND],
        {TIMEOUT["quote"]: "correct", BAD_COMMAND["quote"]: "wrong"},
    )
    claims_judge(model, findings=[FINDING]).judge(item("T-1"))
    assert [tool for tool, _ in model.calls] == [
        "Verdict",
        "TechnicalClaims",
        "ClaimCheck",
        "ClaimCheck",
    ]
    verdict_prompt, extract_prompt, first, second = (prompt_text(m) for _, m in model.calls)
    assert FINDING.describe() in verdict_prompt  # the first call is grounded
    assert "<response>" in extract_prompt and "at most 6" in extract_prompt
    assert TIMEOUT["quote"] in claim_block(model.calls[2][1])
    assert BAD_COMMAND["quote"] in claim_block(model.calls[3][1])
    for check_prompt in (first, second):
        assert FINDING.describe() in check_prompt and "Unknown is not wrong" in check_prompt


def test_a_claim_verified_wrong_fails_technical_accuracy_and_is_named():
    model = scripted(
        [TIMEOUT, BAD_COMMAND],
        {TIMEOUT["quote"]: "correct", BAD_COMMAND["quote"]: "wrong"},
    )
    reply = claims_judge(model).judge(item("T-1"))
    accuracy = reply.verdict.technical_accuracy
    assert accuracy.passed is False
    assert f"Wrong claim '{BAD_COMMAND['quote']}'" in accuracy.reasoning
    assert TIMEOUT["quote"] not in accuracy.reasoning
    assert "whole-reply judgement had passed" in accuracy.reasoning
    # The other criteria are the first call's.
    assert reply.verdict.professional_tone.reasoning == "whole reply: professional_tone fine"
    assert [c.check.status for c in reply.claims] == ["correct", "wrong"]


def test_a_fact_finding_fails_technical_accuracy_even_when_every_claim_checks_out():
    model = scripted([TIMEOUT], {TIMEOUT["quote"]: "correct"})
    accuracy = claims_judge(model, findings=[FINDING]).judge(item("T-1")).verdict.technical_accuracy
    assert accuracy.passed is False
    assert f"Fact check: {FINDING.describe()}" in accuracy.reasoning


def test_cannot_tell_is_not_wrong():
    model = scripted(
        [TIMEOUT, METRIC],
        {TIMEOUT["quote"]: "cannot_tell", METRIC["quote"]: "correct"},
    )
    accuracy = claims_judge(model).judge(item("T-1")).verdict.technical_accuracy
    assert accuracy.passed is True
    assert "1 verified correct and 1 could not be verified" in accuracy.reasoning


def test_a_reply_without_claims_passes_on_the_claims_but_not_past_a_finding():
    assert claims_judge(scripted([], {})).judge(item("T-1")).verdict.technical_accuracy.passed
    failing = claims_judge(scripted([], {}), findings=[FINDING]).judge(item("T-1"))
    assert failing.verdict.technical_accuracy.passed is False


def test_no_more_than_max_claims_are_verified():
    many = [{**METRIC, "quote": f"claim number {n}"} for n in range(9)]
    model = scripted(many, {f"claim number {n}": "correct" for n in range(9)})
    reply = claims_judge(model, max_claims=3).judge(item("T-1"))
    assert [tool for tool, _ in model.calls].count("ClaimCheck") == 3
    assert reply.model_calls == 5 and len(reply.claims) == 3


def test_tokens_are_summed_over_every_call_and_priced_once_in_the_row():
    model = scripted([TIMEOUT, METRIC], {TIMEOUT["quote"]: "correct", METRIC["quote"]: "correct"})
    price = Price(0.0008, 0.0032)
    run = evaluate([item("T-1")], claims_judge(model), partition_date=DAY, limits=FAST, price=price)
    (row,) = run.rows
    expected_in, expected_out = 1200 + 700 + 2 * 400, 300 + 150 + 2 * 40
    assert (row["input_tokens"], row["output_tokens"]) == (expected_in, expected_out)
    assert row["cost_usd"] == pytest.approx(price.cost(expected_in, expected_out))
    assert run.stats.model_calls == 4 and run.stats.retries == 0
    assert run.stats.cost_usd == pytest.approx(price.cost(expected_in, expected_out))


def test_decomposing_and_the_claims_prompt_are_part_of_the_cache_key():
    plain = LangChainJudge(scripted([], {}), name="langchain", model_id="m", evidence=lambda i: [])
    decomposed = claims_judge(scripted([], {}))
    assert plain.parameters()["decompose_accuracy"] is False
    assert "claims_prompt_version" not in plain.parameters()
    assert decomposed.parameters()["claims_prompt_version"] == CLAIMS_PROMPT_VERSION
    assert decomposed.parameters()["max_claims"] == MAX_CLAIMS
    fewer = claims_judge(scripted([], {}), max_claims=2)
    keys = {cache_key(item("T-1"), judge) for judge in (plain, decomposed, fewer)}
    assert len(keys) == 3


def test_throttling_mid_item_is_retried_without_repeating_the_calls_that_answered():
    throttled = []

    def fail(tool, messages):
        if tool == "ClaimCheck" and METRIC["quote"] in claim_block(messages) and not throttled:
            throttled.append(True)
            return TimeoutError("read timed out")
        return None

    model = scripted(
        [TIMEOUT, METRIC], {TIMEOUT["quote"]: "correct", METRIC["quote"]: "correct"}, fail=fail
    )
    price = Price(0.001, 0.002)
    run = evaluate([item("T-1")], claims_judge(model), partition_date=DAY, limits=FAST, price=price)
    (row,) = run.rows
    assert row["status"] == "evaluated" and row["attempts"] == 2
    tools = [tool for tool, _ in model.calls]
    assert tools == ["Verdict", "TechnicalClaims", "ClaimCheck", "ClaimCheck", "ClaimCheck"]
    assert row["input_tokens"] == 1200 + 700 + 2 * 400  # the timed-out call had no usage
    assert run.stats.model_calls == 5 and run.stats.retries == 1


@pytest.mark.parametrize(
    ("failing_tool", "error", "expected"),
    [
        ("TechnicalClaims", TimeoutError("read timed out"), JudgeUnavailableError),
        ("ClaimCheck", PermissionError("AccessDenied"), JudgeRequestError),
        ("Verdict", TimeoutError("read timed out"), JudgeUnavailableError),
    ],
)
def test_a_failure_in_any_call_is_classified_like_a_single_call(failing_tool, error, expected):
    model = scripted(
        [TIMEOUT],
        {TIMEOUT["quote"]: "correct"},
        fail=lambda tool, messages: error if tool == failing_tool else None,
    )
    with pytest.raises(expected):
        claims_judge(model).judge(item("T-1"))


def test_an_invalid_claims_reply_is_a_reply_error_that_carries_what_the_item_cost():
    def answer(tool, messages):
        if tool == "Verdict":
            return PASSING
        return {"claims": "none at all"}

    model = ToolCallingFake(answer=answer, usage=USAGE)
    with pytest.raises(JudgeReplyError, match="not a valid list of claims") as raised:
        claims_judge(model).judge(item("T-1"))
    assert (raised.value.input_tokens, raised.value.output_tokens) == (1200 + 700, 300 + 150)
    assert raised.value.model_calls == 1

    price = Price(0.001, 0.002)
    budget = Budget(None, 1.0)
    run = evaluate(
        [item("T-2")],
        claims_judge(model),
        partition_date=DAY,
        limits=FAST,
        price=price,
        budget=budget,
    )
    (row,) = run.rows
    assert row["status"] == "failed" and row["attempts"] == 1
    assert row["cost_usd"] == pytest.approx(price.cost(1900, 450))
    assert budget.spent == pytest.approx(price.cost(1900, 450)) and budget.reserved == 0
    assert budget.calls == 2  # the answered verdict and the invalid reply


def test_an_invalid_claim_check_is_a_reply_error():
    model = scripted([TIMEOUT], {TIMEOUT["quote"]: "maybe"})
    with pytest.raises(JudgeReplyError, match="not a valid claim check"):
        claims_judge(model).judge(item("T-1"))


def test_the_claim_check_schema_puts_the_reasoning_before_the_status():
    assert list(ClaimCheck.model_json_schema()["properties"]) == ["reasoning", "status"]
