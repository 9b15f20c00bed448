"""The judge as a Dagster resource: configured from ``TICKET_JUDGE*``, overridable per run."""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from ticket_platform.evaluation.factory import build_judge, judge_price, run_limits
from ticket_platform.evaluation.judge import Judge
from ticket_platform.evaluation.pricing import Price
from ticket_platform.evaluation.runner import Budget, RunLimits
from ticket_platform.settings import JudgeSettings


class JudgeResource(dg.ConfigurableResource):
    """Which judge grades responses, and the limits of one run (launchpad-overridable)."""

    kind: str = Field(default="rules", description="rules | bedrock | langchain")
    model_id: str | None = Field(default=None, description="Model or inference profile id")
    temperature: float = 0.0
    concurrency: int = Field(default=16, description="Model calls in flight at once")
    max_calls: int | None = Field(default=None, description="Budget: model calls per run")
    max_cost_usd: float | None = Field(default=None, description="Budget: estimated USD per run")
    chat_model: str | None = Field(default=None, description="langchain: module:ClassName")
    chat_model_kwargs: str = Field(default="{}", description="langchain: JSON kwargs")
    output: str = Field(default="tool", description="tool | json (structured output method)")
    price_per_1k: str | None = Field(default=None, description="'<input>,<output>' USD/1k tok")
    region_name: str | None = None

    @classmethod
    def from_settings(cls, judge: JudgeSettings, region_name: str | None) -> JudgeResource:
        return cls(
            kind=judge.kind,
            model_id=judge.model_id,
            temperature=judge.temperature,
            concurrency=judge.concurrency,
            max_calls=judge.max_calls,
            max_cost_usd=judge.max_cost_usd,
            chat_model=judge.chat_model,
            chat_model_kwargs=judge.chat_model_kwargs,
            output=judge.output,
            price_per_1k=judge.price_per_1k,
            region_name=region_name,
        )

    def settings(self) -> JudgeSettings:
        return JudgeSettings(
            kind=self.kind,  # type: ignore[arg-type]
            model_id=self.model_id,
            temperature=self.temperature,
            concurrency=self.concurrency,
            max_calls=self.max_calls,
            max_cost_usd=self.max_cost_usd,
            chat_model=self.chat_model,
            chat_model_kwargs=self.chat_model_kwargs,
            output=self.output,  # type: ignore[arg-type]
            price_per_1k=self.price_per_1k,
        )

    def build(self) -> Judge:
        return build_judge(self.settings(), self.region_name)

    def price(self, judge: Judge) -> Price | None:
        return judge_price(self.settings(), judge)

    def limits(self) -> RunLimits:
        return run_limits(self.settings())

    def budget(self) -> Budget:
        """One run's budget, shared by every partition and judge of the run."""
        return Budget(self.max_calls, self.max_cost_usd)
