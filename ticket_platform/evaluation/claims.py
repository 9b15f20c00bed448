"""Claim-by-claim technical accuracy: what a decomposing LLM judge asks for, and how the checked
claims and the fact check's findings become the technical_accuracy verdict.

A decomposing judge (``LangChainJudge(decompose_accuracy=True)``) extracts the reply's technical
claims (``TechnicalClaims``, at most ``max_claims``), verifies each one (``ClaimCheck``), and
``accuracy_verdict`` aggregates: technical_accuracy fails when any claim is verified wrong or the
fact base proved any detail wrong; a claim the model cannot tell about is not wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from ticket_platform.evaluation.judge import JudgeReply
from ticket_platform.evaluation.rubric import CriterionVerdict, Verdict

if TYPE_CHECKING:
    from ticket_platform.evaluation.facts.findings import FactFinding

MAX_CLAIMS = 6  # claims verified per reply: the worst case is 1 + 1 + MAX_CLAIMS model calls
_REASONING_LIMIT = 2_000  # CriterionVerdict.reasoning's max_length


class TechnicalClaim(BaseModel):
    """One technical claim of a reply: its words, what it asserts, and the service it concerns."""

    quote: str = Field(description="The reply's own words that make the claim, quoted exactly.")
    assertion: str = Field(description="What the claim asserts, in one sentence.")
    service: str = Field(description="The AWS service the claim concerns, e.g. 'AWS Lambda'.")


class TechnicalClaims(BaseModel):
    """The technical claims of one reply, the most specific and checkable first."""

    claims: list[TechnicalClaim] = Field(
        description="The reply's technical claims; an empty list when it makes none."
    )


class ClaimCheck(BaseModel):
    """The verification of one claim: the reasoning first, then the status."""

    model_config = ConfigDict(extra="forbid")

    reasoning: str = Field(
        min_length=1, max_length=1_000, description="One sentence: why the claim has this status."
    )
    status: Literal["correct", "wrong", "cannot_tell"] = Field(
        description="correct, wrong (known to be false or unsafe), or cannot_tell (not sure)."
    )


@dataclass(frozen=True, slots=True)
class CheckedClaim:
    claim: TechnicalClaim
    check: ClaimCheck


@dataclass(frozen=True, slots=True)
class MultiCallReply(JudgeReply):
    """A verdict that took several model calls; tokens are summed over all of them."""

    model_calls: int = 1
    claims: tuple[CheckedClaim, ...] = ()


def accuracy_verdict(
    checked: Sequence[CheckedClaim],
    findings: Sequence[FactFinding],
    whole_reply: CriterionVerdict | None = None,
) -> CriterionVerdict:
    """technical_accuracy from the checked claims and the fact check's findings.

    It fails when a claim is verified wrong or a finding exists, and its reasoning names them;
    ``cannot_tell`` is not wrong. ``whole_reply`` (the first call's own judgement) is quoted when
    it disagrees, so a reader sees both.
    """
    wrong = [c for c in checked if c.check.status == "wrong"]
    parts = [f"Wrong claim '{_clip(c.claim.quote, 200)}': {c.check.reasoning}" for c in wrong]
    parts += [f"Fact check: {finding.describe()}" for finding in findings]
    passed = not parts
    if passed:
        correct = sum(c.check.status == "correct" for c in checked)
        unsure = len(checked) - correct
        parts.append(
            f"No technical claim is wrong: of {len(checked)} claim(s) checked, {correct} verified "
            f"correct and {unsure} could not be verified (not counted as wrong); the fact check "
            "proved nothing wrong."
            if checked
            else "The reply makes no technical claim to check, and the fact check proved "
            "nothing wrong."
        )
    if whole_reply is not None and whole_reply.passed != passed:
        said = "passed" if whole_reply.passed else "failed"
        parts.append(f"(The whole-reply judgement had {said}: {whole_reply.reasoning})")
    return CriterionVerdict(reasoning=_clip("; ".join(parts), _REASONING_LIMIT), passed=passed)


def with_accuracy(verdict: Verdict, accuracy: CriterionVerdict) -> Verdict:
    """``verdict`` with its technical_accuracy replaced by the claim-by-claim one."""
    return verdict.model_copy(update={"technical_accuracy": accuracy})


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
