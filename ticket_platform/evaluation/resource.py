"""The judge as a Dagster resource: its fields are the judge's configuration (``TICKET_JUDGE*``),
read from the environment by ``from_env`` and overridable per run in the launchpad."""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from ticket_platform.evaluation.claims import MAX_CLAIMS
from ticket_platform.evaluation.factory import build_judge, judge_price, run_limits
from ticket_platform.evaluation.judge import Judge
from ticket_platform.evaluation.pricing import Price
from ticket_platform.evaluation.runner import Budget, RunLimits
from ticket_platform.settings import (
    JUDGE_KINDS,
    Settings,
    SettingsError,
    env_choice,
    env_float,
    env_value,
)

_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


class JudgeResource(dg.ConfigurableResource):
    """Which judge grades responses, and the limits of one run (launchpad-overridable)."""

    kind: str = Field(
        default="rules",
        description="TICKET_JUDGE: rules | bedrock | langchain (default rules local, bedrock prod)",
    )
    model_id: str | None = Field(
        default=None,
        description="TICKET_JUDGE_MODEL: bedrock model or inference profile; langchain: the "
        "id recorded in rows",
    )
    temperature: float = Field(default=0.0, description="TICKET_JUDGE_TEMPERATURE")
    concurrency: int = Field(
        default=16, description="TICKET_JUDGE_CONCURRENCY: model calls in flight at once"
    )
    max_calls: int | None = Field(
        default=None, description="TICKET_JUDGE_MAX_CALLS: budget, model calls per run"
    )
    max_cost_usd: float | None = Field(
        default=None, description="TICKET_JUDGE_MAX_COST_USD: budget, estimated USD per run"
    )
    chat_model: str | None = Field(
        default=None, description="TICKET_JUDGE_CHAT_MODEL: langchain, module:ClassName"
    )
    chat_model_kwargs: str = Field(
        default="{}", description="TICKET_JUDGE_CHAT_MODEL_KWARGS: langchain, JSON kwargs"
    )
    output: str = Field(
        default="tool", description="TICKET_JUDGE_OUTPUT: tool | json (structured output method)"
    )
    price_per_1k: str | None = Field(
        default=None,
        description="TICKET_JUDGE_PRICE_PER_1K: '<input>,<output>' USD per 1,000 tokens",
    )
    region_name: str | None = Field(default=None, description="AWS_REGION of Bedrock")
    decompose_accuracy: bool = Field(
        default=False,
        description="TICKET_JUDGE_DECOMPOSE_ACCURACY: LLM judges check technical accuracy claim "
        "by claim (up to 2 + max_claims model calls per ticket)",
    )
    max_claims: int = Field(
        default=MAX_CLAIMS,
        ge=1,
        le=20,
        description="TICKET_JUDGE_MAX_CLAIMS: claims verified per reply when decomposing",
    )

    @classmethod
    def from_env(cls, settings: Settings) -> JudgeResource:
        """The judge of the ``TICKET_JUDGE*`` variables; a ``SettingsError`` names a bad one."""
        default_kind = "rules" if settings.is_local else "bedrock"
        kind = (env_value("TICKET_JUDGE", default_kind) or "").lower()
        if kind not in JUDGE_KINDS:
            raise SettingsError(
                f"TICKET_JUDGE must be one of {', '.join(JUDGE_KINDS)}, not {kind!r}"
            )
        chat_model = env_value("TICKET_JUDGE_CHAT_MODEL")
        if kind == "langchain" and chat_model is None:
            raise SettingsError(
                "TICKET_JUDGE=langchain needs TICKET_JUDGE_CHAT_MODEL=module:ClassName "
                "(e.g. langchain_openai:ChatOpenAI) and TICKET_JUDGE_CHAT_MODEL_KWARGS (JSON)"
            )
        output = (env_value("TICKET_JUDGE_OUTPUT", "tool") or "tool").lower()
        if output not in ("tool", "json"):
            raise SettingsError(f"TICKET_JUDGE_OUTPUT must be 'tool' or 'json', not {output!r}")
        max_calls = env_value("TICKET_JUDGE_MAX_CALLS")
        max_cost = env_value("TICKET_JUDGE_MAX_COST_USD")
        return cls(
            kind=kind,
            model_id=env_value("TICKET_JUDGE_MODEL"),
            temperature=env_float("TICKET_JUDGE_TEMPERATURE", 0.0, 0.0, 2.0),
            concurrency=int(env_float("TICKET_JUDGE_CONCURRENCY", 16, 1, 256)),
            max_calls=int(env_float("TICKET_JUDGE_MAX_CALLS", 0, 0, 1e9)) if max_calls else None,
            max_cost_usd=(
                env_float("TICKET_JUDGE_MAX_COST_USD", 0.0, 0.0, 1e6) if max_cost else None
            ),
            chat_model=chat_model,
            chat_model_kwargs=env_value("TICKET_JUDGE_CHAT_MODEL_KWARGS", "{}") or "{}",
            output=output,
            price_per_1k=env_value("TICKET_JUDGE_PRICE_PER_1K"),
            region_name=settings.aws_region,
            decompose_accuracy=env_choice(
                "TICKET_JUDGE_DECOMPOSE_ACCURACY", "false", _TRUE + _FALSE
            )
            in _TRUE,
            max_claims=int(env_float("TICKET_JUDGE_MAX_CLAIMS", MAX_CLAIMS, 1, 20)),
        )

    def build(self) -> Judge:
        return build_judge(self)

    def price(self, judge: Judge) -> Price | None:
        return judge_price(self, judge)

    def limits(self) -> RunLimits:
        return run_limits(self)

    def budget(self) -> Budget:
        """One run's budget, shared by every partition and judge of the run."""
        return Budget(self.max_calls, self.max_cost_usd)
