"""Turning the claim-by-claim judge on: the judge's settings, as fields and as variables."""

import pytest

from ticket_platform.evaluation.factory import build_judge
from ticket_platform.evaluation.resource import JudgeResource
from ticket_platform.settings import SettingsError, get_settings

FAKE = "langchain_core.language_models.fake_chat_models:FakeListChatModel"


def test_a_langchain_judge_decomposes_when_its_settings_say_so():
    settings = JudgeResource(
        kind="langchain",
        chat_model=FAKE,
        chat_model_kwargs='{"responses": ["{}"]}',
        output="json",
        decompose_accuracy=True,
        max_claims=3,
    )
    judge = build_judge(settings)
    assert (judge.decompose_accuracy, judge.max_claims) == (True, 3)
    assert judge.parameters()["decompose_accuracy"] is True
    assert judge.parameters()["max_claims"] == 3


def test_the_bedrock_judge_decomposes_when_its_settings_say_so():
    judge = build_judge(
        JudgeResource(kind="bedrock", region_name="us-east-1", decompose_accuracy=True)
    )
    assert judge.decompose_accuracy is True and judge.max_claims == 6
    assert judge.parameters()["temperature"] == 0.0


def test_judges_do_not_decompose_by_default():
    judge = build_judge(JudgeResource(kind="bedrock", region_name="us-east-1"))
    assert judge.decompose_accuracy is False


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("off", False)])
def test_the_variables_turn_it_on(monkeypatch, value, expected):
    monkeypatch.setenv("TICKET_JUDGE_DECOMPOSE_ACCURACY", value)
    monkeypatch.setenv("TICKET_JUDGE_MAX_CLAIMS", "4")
    resource = JudgeResource.from_env(get_settings())
    assert (resource.decompose_accuracy, resource.max_claims) == (expected, 4)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TICKET_JUDGE_DECOMPOSE_ACCURACY", "sometimes", "TICKET_JUDGE_DECOMPOSE_ACCURACY must"),
        ("TICKET_JUDGE_MAX_CLAIMS", "0", "TICKET_JUDGE_MAX_CLAIMS=0.0 must be between 1"),
    ],
)
def test_bad_values_say_what_to_fix(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        JudgeResource.from_env(get_settings())
