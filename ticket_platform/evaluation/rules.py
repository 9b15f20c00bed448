"""The offline ``rules`` judge: the rubric as far as text analysis honestly goes.

Deterministic, free and thread-safe. It is the embedded default judge, and a second opinion beside
every model judge (see ``fact_check``). Per criterion:

* ``professional_tone`` fails on any contraction, exclamation mark, emoji or slang word, and when
  the response has none of greeting, "please", thanks and sign-off.
* ``actionable_guidance`` fails with fewer than two specific steps. Steps are imperative list items
  (not under a "please provide" intro), imperative sentences and commands (in code or alone on a
  line); a step is specific when it refers to a console page or click-path, logs, metrics, a
  command, or a named setting or resource, and not only to generic objects ("recent changes").
* ``contextual_relevance`` fails when the product is not named (full or short name), or when the
  advice does not engage with the customer's problem: it must use three of the customer's own
  terms (issue type, subject, description; echoing the issue type alone does not count) and
  answer a specific question the customer asks. Shared terms cannot prove that the advice fits:
  the reasoning says so.
* ``technical_accuracy`` fails on unsafe advice and on any detail the AWS fact base proves wrong
  (``facts``): a CLI command or option that does not exist, a misnamed namespace, a metric, log
  group, console page or feature of another service, a log group the service never writes. A
  detail the fact base does not cover is not checked, and the reasoning says so.

``checkable_facts`` keeps the objective findings only (contractions, fewer than two steps, product
not named, unsafe advice...), without the word-overlap heuristic of the problem check or the polite
markers: a model verdict that passes a criterion despite one of them is worth a second look.
"""

from dataclasses import dataclass
from typing import Any

from ticket_platform.evaluation import text_checks as tc
from ticket_platform.evaluation.facts import check_reply
from ticket_platform.evaluation.facts.base import fact_base
from ticket_platform.evaluation.judge import JudgeReply
from ticket_platform.evaluation.rubric import Criterion, CriterionVerdict, EvaluationItem, Verdict

RULES_VERSION = "rules-v4"  # v2: AWS fact base; v3: relevance and guidance against labels;
# v4: undocumented namespaces, misremembered metrics, more unsafe advice
MIN_STEPS = 2
_LISTED = 6  # at most this many findings are spelled out in a reasoning


@dataclass(frozen=True, slots=True)
class Assessment:
    """One criterion: objective ``facts`` against it, ``concerns`` from heuristics, reasoning."""

    reasoning: str
    facts: tuple[str, ...] = ()
    concerns: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.facts and not self.concerns


def _listing(items: list[str] | tuple[str, ...]) -> str:
    shown = ", ".join(items[:_LISTED])
    return shown + (f" and {len(items) - _LISTED} more" if len(items) > _LISTED else "")


def _quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return f"'{text if len(text) <= limit else text[: limit - 3] + '...'}'"


def assess_tone(response: str) -> Assessment:
    """Contractions, exclamation marks, emojis, slang; polite markers."""
    problems = []
    if words := tc.contractions(response):
        problems.append(f"Contractions found: {_listing(words)}.")
    if marks := tc.exclamation_marks(response):
        problems.append(f"{marks} exclamation mark{'s' if marks > 1 else ''} found.")
    if emojis := tc.emojis(response):
        problems.append(f"Emojis found: {_listing(emojis)}.")
    if slang := tc.slang(response):
        problems.append(f"Slang found: {_listing(slang)}.")
    polite = tc.polite_markers(response)
    politeness = (
        f"Polite markers present: {', '.join(polite)}."
        if polite
        else "No greeting, 'please', thanks or sign-off found."
    )
    if not problems:
        problems = ["No contractions, exclamation marks, emojis or slang found."]
    return Assessment(
        reasoning=" ".join([*problems, politeness]),
        facts=tuple(tc.tone_problems(response)),
        concerns=() if polite else ("no polite markers",),
    )


def assess_guidance(response: str) -> Assessment:
    """At least two specific steps; requests for information are not counted."""
    steps = tc.extract_steps(response)
    specific = [step for step in steps if step.specific]
    requests = tc.info_requests(response)
    kinds = sorted({m.split(":")[0] for step in specific for m in step.markers})
    parts = [
        f"Found {len(steps)} step{'s' if len(steps) != 1 else ''}, {len(specific)} specific"
        + (f" (referring to {', '.join(kinds)})" if kinds else "")
        + "."
    ]
    vague = [step.text for step in steps if not step.specific]
    if vague:
        parts.append(
            "Not specific (no console, logs, metrics, command or named setting): "
            + "; ".join(
                _quote(text) + (f" (generic: '{g}')" if (g := tc.generic_wording(text)) else "")
                for text in vague[:3]
            )
            + "."
        )
    if requests:
        parts.append(f"{len(requests)} request(s) for information not counted as steps.")
    facts = []
    if not steps:
        facts.append("no step found")
    elif len(steps) < MIN_STEPS:
        facts.append(f"only {len(steps)} step found")
    elif len(specific) < MIN_STEPS:
        facts.append(
            f"only {len(specific)} of {len(steps)} steps specific "
            "(console, logs, metrics, command or named setting)"
        )
    return Assessment(reasoning=" ".join(parts), facts=tuple(facts))


def assess_relevance(item: EvaluationItem) -> Assessment:
    """The product named (full or short name) and the problem restated."""
    response = item.response_text
    named = tc.product_mention(response, item.product) if item.product.strip() else None
    match = tc.problem_match(
        response,
        issue_type=item.issue_type,
        subject=item.subject,
        description=item.description,
        product=item.product,
    )
    if named:
        parts = [f"Names the product as '{named}'."]
    else:
        names = " / ".join(f"'{name}'" for name in tc.product_names(item.product)[:3])
        parts = [f"The product ({names or 'none given'}) is not named."]
    if match.restates_issue_type:
        parts.append(f"Restates the issue type '{item.issue_type}'.")
    if match.question_words:
        missed = [w for w in match.question_words if w not in match.answered]
        parts.append(
            f"The customer asks about {_listing(match.question_words)}; the reply "
            + (f"uses {_listing(match.answered)}" if match.answered else "uses none of them")
            + (f" but not {_listing(missed)}." if match.answered and missed else ".")
        )
    elif match.engaged:
        only = "" if match.engages else f"only {len(match.engaged)} of "
        parts.append(f"The advice uses {only}the customer's terms: {_listing(match.engaged)}.")
    elif match.problem_words:
        parts.append(
            f"The advice uses none of the customer's terms ({_listing(match.problem_words)})."
        )
    if not match.addressed:
        parts.append(
            "The question asked is not answered."
            if match.question_words
            else "The specific problem is not addressed: generic advice, or another problem's."
        )
    elif named:
        parts.append("Shared terms cannot prove that the advice fits the problem.")
    return Assessment(
        reasoning=" ".join(parts),
        facts=() if named else ("product not named",),
        concerns=() if match.addressed else ("problem not addressed",),
    )


def assess_accuracy(item: EvaluationItem) -> Assessment:
    """Unsafe advice and details the fact base proves wrong fail; the rest is not verified."""
    unsafe = tc.unsafe_advice(item.response_text)
    wrong = check_reply(item.response_text, item.product, f"{item.subject}\n{item.description}")
    terms = tc.service_terms(item.response_text, item.product)
    parts = [
        f"Unsafe advice found: {_listing(unsafe)}."
        if unsafe
        else "No unsafe advice found (disabling encryption or safeguards, public access, "
        "a policy open to every principal, 0.0.0.0/0, admin or wildcard permissions, sharing "
        "credentials, rm -rf, chmod 777, deleting data without a backup or a key data needs)."
    ]
    if wrong:
        shown = "; ".join(finding.describe() for finding in wrong[:_LISTED])
        more = f" and {len(wrong) - _LISTED} more" if len(wrong) > _LISTED else ""
        parts.append(f"Wrong by the AWS fact base: {shown}{more}.")
    else:
        parts.append(
            "No command, namespace, metric, log group, console page or feature contradicts "
            "the AWS fact base."
        )
    if terms:
        parts.append(f"Service terms of {item.product} used: {_listing(terms)}.")
    parts.append(
        "Details the fact base does not cover (behaviour, defaults, limits) are not verified."
    )
    facts = (*unsafe, *(f"{f.kind.value}: {f.detail} ({f.fact})" for f in wrong))
    return Assessment(reasoning=" ".join(parts), facts=facts)


def assess(item: EvaluationItem) -> dict[Criterion, Assessment]:
    """Every criterion's assessment of ``item``."""
    return {
        Criterion.contextual_relevance: assess_relevance(item),
        Criterion.technical_accuracy: assess_accuracy(item),
        Criterion.professional_tone: assess_tone(item.response_text),
        Criterion.actionable_guidance: assess_guidance(item.response_text),
    }


def steering(item: EvaluationItem) -> list[str]:
    """Steering signals in the ticket (subject and description) and in the response."""
    ticket = tc.steering_signals(f"{item.subject}\n{item.description}")
    response = tc.steering_signals(item.response_text)
    return [f"ticket: {s}" for s in ticket] + [f"response: {s}" for s in response]


def checkable_facts(item: EvaluationItem) -> dict[Criterion, list[str]]:
    """Objective violations per criterion (empty lists when none), e.g.
    ``{professional_tone: ["contraction: isn't", "exclamation mark"], ...}``."""
    return {criterion: list(a.facts) for criterion, a in assess(item).items()}


def fact_check(item: EvaluationItem) -> tuple[dict[Criterion, list[str]], list[str]]:
    """The runner's second opinion: ``checkable_facts`` and the steering signals."""
    return checkable_facts(item), steering(item)


class RulesJudge:
    """The ``Judge`` without a model: see the module docstring for what each criterion checks."""

    name = "rules"
    model_id = RULES_VERSION
    calls_model = False

    def parameters(self) -> dict[str, Any]:
        """Besides the rules' version (``model_id``), the fact base's version changes verdicts."""
        return {"fact_base": fact_base().version}

    def judge(self, item: EvaluationItem) -> JudgeReply:
        """The verdict on ``item``; never raises for lack of a model."""
        verdicts = {
            criterion.value: CriterionVerdict(reasoning=a.reasoning[:2_000], passed=a.passed)
            for criterion, a in assess(item).items()
        }
        return JudgeReply(Verdict(**verdicts, steering_attempt=bool(steering(item))))
