"""The one interface every judge implements, and the errors a judge may raise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ticket_platform.evaluation.rubric import EvaluationItem, Verdict


@dataclass(frozen=True, slots=True)
class JudgeReply:
    """A verdict and what it cost to get it (tokens are 0 for judges without a model)."""

    verdict: Verdict
    input_tokens: int = 0
    output_tokens: int = 0


class Judge(Protocol):
    """Grades one response under the rubric. Implementations must be safe to call from threads."""

    name: str  # the kind of judge: "rules", "bedrock", "langchain"
    model_id: str  # what produced the verdict, recorded in every row
    calls_model: bool  # False for judges whose calls cost nothing (never cached or budgeted)

    def parameters(self) -> dict[str, Any]:
        """Everything besides the model that changes verdicts (temperature, prompt version...)."""
        ...

    def judge(self, item: EvaluationItem) -> JudgeReply:
        """The verdict on ``item``; raises ``JudgeError`` when there is none."""
        ...


class JudgeError(Exception):
    """No verdict for this item. ``retryable`` errors are retried with backoff within the run."""

    retryable = False


class JudgeUnavailableError(JudgeError):
    """Throttling, timeouts, 5xx: worth retrying."""

    retryable = True


class JudgeReplyError(JudgeError):
    """The model answered, but not with a valid verdict (recorded; retried on the next run)."""


class JudgeRequestError(JudgeError):
    """The request itself was refused (access denied, validation, unknown model)."""


def judge_id(judge: Judge) -> str:
    """The identity recorded with each verdict: ``<name>:<model_id>``."""
    return f"{judge.name}:{judge.model_id}"
