"""Build the configured judge, its price and its run limits from the judge's configuration.

The configuration is ``JudgeResource`` (``resource.py``), the one definition of the judge's
settings; these functions only read the fields ``JudgeConfig`` names, so they need no Dagster.
"""

from __future__ import annotations

import json
from typing import Protocol

from ticket_platform.evaluation.judge import Judge
from ticket_platform.evaluation.pricing import Price, parse_price, price_of
from ticket_platform.evaluation.runner import RunLimits
from ticket_platform.settings import SettingsError


class JudgeConfig(Protocol):
    """The judge's settings as these functions read them (``JudgeResource`` has them all)."""

    kind: str
    model_id: str | None
    temperature: float
    region_name: str | None
    chat_model: str | None
    chat_model_kwargs: str
    output: str
    price_per_1k: str | None
    concurrency: int
    max_calls: int | None
    max_cost_usd: float | None
    decompose_accuracy: bool
    max_claims: int


def build_judge(settings: JudgeConfig) -> Judge:
    """The judge of ``TICKET_JUDGE``: ``rules`` (offline), ``bedrock`` or ``langchain``."""
    if settings.kind == "rules":
        from ticket_platform.evaluation.rules import RulesJudge

        return RulesJudge()
    if settings.kind == "bedrock":
        from ticket_platform.evaluation.llm import DEFAULT_BEDROCK_MODEL, bedrock_judge

        return bedrock_judge(
            model_id=settings.model_id or DEFAULT_BEDROCK_MODEL,
            temperature=settings.temperature,
            region_name=settings.region_name,
            decompose_accuracy=settings.decompose_accuracy,
            max_claims=settings.max_claims,
        )
    from ticket_platform.evaluation.llm import chat_model_judge

    try:
        kwargs = json.loads(settings.chat_model_kwargs)
    except json.JSONDecodeError as error:
        raise SettingsError(f"TICKET_JUDGE_CHAT_MODEL_KWARGS is not JSON: {error}") from error
    if not isinstance(kwargs, dict):
        raise SettingsError("TICKET_JUDGE_CHAT_MODEL_KWARGS must be a JSON object")
    kwargs.setdefault("temperature", settings.temperature)
    try:
        return chat_model_judge(
            settings.chat_model or "",
            kwargs,
            model_id=settings.model_id,
            method=settings.output,
            decompose_accuracy=settings.decompose_accuracy,
            max_claims=settings.max_claims,
        )
    except ValueError as error:
        raise SettingsError(f"TICKET_JUDGE_CHAT_MODEL: {error}") from error


def judge_price(settings: JudgeConfig, judge: Judge) -> Price | None:
    """The configured price, else the built-in price of the judge's model, else ``None``."""
    if not judge.calls_model:
        return None
    if settings.price_per_1k:
        try:
            return parse_price(settings.price_per_1k)
        except ValueError as error:
            raise SettingsError(f"TICKET_JUDGE_PRICE_PER_1K: {error}") from error
    return price_of(judge.model_id)


def run_limits(settings: JudgeConfig) -> RunLimits:
    return RunLimits(
        concurrency=settings.concurrency,
        max_calls=settings.max_calls,
        max_cost_usd=settings.max_cost_usd,
    )
