"""Choosing the judge, its price and its limits from its configuration (`JudgeResource`)."""

import pytest

from ticket_platform.evaluation.factory import build_judge, judge_price, run_limits
from ticket_platform.evaluation.pricing import Price, parse_price, price_of
from ticket_platform.evaluation.resource import JudgeResource
from ticket_platform.settings import SettingsError

FAKE = "langchain_core.language_models.fake_chat_models:FakeListChatModel"


def test_rules_is_the_default_and_costs_nothing():
    judge = build_judge(JudgeResource())
    assert (judge.name, judge.model_id, judge.calls_model) == ("rules", "rules-v4", False)
    assert judge_price(JudgeResource(price_per_1k="1,1"), judge) is None


def test_a_langchain_judge_is_built_from_a_class_path_and_json_kwargs():
    settings = JudgeResource(
        kind="langchain",
        chat_model=FAKE,
        chat_model_kwargs='{"responses": ["{}"], "temperature": 0.1}',
        model_id="my-endpoint/llama",
        output="json",
        price_per_1k="0.001,0.002",
    )
    judge = build_judge(settings)
    assert (judge.name, judge.model_id) == ("langchain", "my-endpoint/llama")
    assert judge.parameters()["method"] == "json" and judge.parameters()["temperature"] == 0.1
    assert judge_price(settings, judge) == Price(0.001, 0.002)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [("{not json", "is not JSON"), ("[1]", "must be a JSON object")],
)
def test_bad_chat_model_kwargs_are_a_settings_error(kwargs, message):
    settings = JudgeResource(kind="langchain", chat_model=FAKE, chat_model_kwargs=kwargs)
    with pytest.raises(SettingsError, match=message):
        build_judge(settings)


def test_prices_know_bedrock_inference_profiles_and_accept_overrides():
    assert price_of("us.amazon.nova-pro-v1:0") == price_of("amazon.nova-pro-v1:0")
    assert price_of("eu.amazon.nova-lite-v1:0") == Price(0.00006, 0.00024)
    assert price_of("some-unknown-model") is None
    assert parse_price("0.5, 1.5") == Price(0.5, 1.5)
    with pytest.raises(ValueError, match="input USD per 1k"):
        parse_price("cheap")
    with pytest.raises(ValueError, match="negative"):
        parse_price("-1,1")


def test_run_limits_follow_the_settings():
    limits = run_limits(JudgeResource(concurrency=32, max_calls=10, max_cost_usd=1.0))
    assert (limits.concurrency, limits.max_calls, limits.max_cost_usd) == (32, 10, 1.0)
