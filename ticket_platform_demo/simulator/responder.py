"""The offline stand-in for Bedrock: a rule-based, templated responder with measured flaws.

``TemplateResponder`` implements the response generator's ``Responder`` protocol, so the offline
simulator runs the real ``generate_response`` with it. It is honest about what it is: its records
carry ``model_id = "offline-template-responder"`` and ``prompt_version = "template-v3-flawed"``,
its priority comes from explicit rules (the reasoning names the rule that fired), and its wording
is templated: it says the customer's own account back (symptom, error, metric, resource, what they
tried, read from the ticket by ``responder_context``), answers the question asked with the issue
type's closest step, and gives steps from the issue type's own and the product family's library
(``responder_steps``, ``responder_reply``). The same ticket always gets the same response (choices
are seeded by the ticket id).

Real generated replies are not perfect, so neither are these: ``responder_flaws`` spoils the
template reply at the rates measured on the seed system's 100 real replies (Nova Pro,
``/work/shared/fixtures/seed_system/processed_tickets.jsonl``) by ``flaw_rates`` and stored in
``vocabulary/reply_flaws.json`` — vague steps instead of specific ones, a reply about another
product, a console page or command of another service, by priority (missing steps, requests
for information instead of steps and unsafe advice are written too, at their measured 0 %).
Contractions and exclamation marks (67 % and 11 % of the seed's replies) are not delivered: the
platform's house-style guard refuses them, so the rules judge passes professional tone on every
reply here, where it passed 33 % of the seed's.

Priority rules, first match wins (distress = Comprehend's negative + mixed scores):

1. ``critical-impact`` — data loss or a security incident (breach, compromised, unauthorized
   access) is mentioned: HIGH, whatever the tone.
2. ``impact-and-distress`` — production / outage / service down / security, and distress >= 0.60:
   HIGH.
3. ``impact`` — the same words with a calmer tone: MEDIUM.
4. ``distress`` — distress >= 0.60 without impact words: MEDIUM.
5. ``degraded-and-unhappy`` — degradation words (slow, errors, timeouts...) and distress >= 0.30:
   MEDIUM.
6. ``routine`` — anything else: NORMAL.
"""

import re
from dataclasses import dataclass

from lambdas.response_generator.models import GeneratedResponse
from ticket_platform.contracts import Priority, SentimentResult, TicketSubmittedEvent
from ticket_platform_demo.simulator.responder_flaws import flawed_reply
from ticket_platform_demo.simulator.responder_reply import compose_response

__all__ = ["MODEL_ID", "PROMPT_VERSION", "TemplateResponder", "compose_response", "decide_priority"]

MODEL_ID = "offline-template-responder"
PROMPT_VERSION = "template-v3-flawed"

STRONG_DISTRESS = 0.60
MODERATE_DISTRESS = 0.30

# -- signals in the ticket text ------------------------------------------------------------
_CRITICAL = {
    "data loss": r"\bdata loss\b|\blost (?:our |all |the |some )?data\b"
    r"|\bdata (?:was|were|has been|have been|is|are) (?:lost|deleted|corrupted)\b"
    r"|\bcorrupt(?:ed|ion)\b",
    "security incident": r"\bsecurity (?:incident|breach|vulnerability|exposure)\b"
    r"|\bbreach(?:ed)?\b|\bcompromised\b|\bunauthori[sz]ed access\b|\bleaked\b",
}
_IMPACT = {
    "production": r"\bproduction\b|\bprod\b",
    "outage": r"\boutages?\b|\bdowntime\b",
    "down": r"\b(?:is|are|was|were|went|gone|been|goes|being|completely) down\b|\bdown for\b",
    "security": r"\bsecurity\b(?!\s+groups?\b)",
}
_DEGRADED = {
    "slow": r"\bslow(?:er|ness|ly)?\b|\blatency\b",
    "errors": r"\berrors?\b|\bfail(?:s|ed|ing|ure|ures)?\b",
    "timeouts": r"\btim(?:e|ed|es|ing) ?outs?\b",
    "intermittent": r"\bintermittent(?:ly)?\b|\bdegraded\b",
    "blocked": r"\bblocked\b|\bstuck\b|\bthrottl(?:ed|ing)\b",
}


def _compile(patterns: dict[str, str]) -> dict[str, re.Pattern[str]]:
    return {label: re.compile(pattern, re.IGNORECASE) for label, pattern in patterns.items()}


_CRITICAL_RE = _compile(_CRITICAL)
_IMPACT_RE = _compile(_IMPACT)
_DEGRADED_RE = _compile(_DEGRADED)


def _found(patterns: dict[str, re.Pattern[str]], text: str) -> list[str]:
    return [label for label, pattern in patterns.items() if pattern.search(text)]


@dataclass(frozen=True, slots=True)
class PriorityDecision:
    priority: Priority
    rule: str
    reasoning: str


def decide_priority(ticket: TicketSubmittedEvent, sentiment: SentimentResult) -> PriorityDecision:
    """The priority of a ticket by the rules of the module docstring, with the rule that fired."""
    text = f"{ticket.data.subject}\n{ticket.data.description}"
    scores = sentiment.SentimentScore
    distress = round(scores.Negative + scores.Mixed, 2)
    tone = (
        f"the sentiment is {sentiment.Sentiment} with a distress score of {distress:.2f} "
        f"(negative {scores.Negative:.2f} plus mixed {scores.Mixed:.2f})"
    )
    critical, impact = _found(_CRITICAL_RE, text), _found(_IMPACT_RE, text)
    degraded = _found(_DEGRADED_RE, text)
    if critical:
        return PriorityDecision(
            Priority.HIGH,
            "critical-impact",
            f"HIGH by rule critical-impact: the ticket mentions {_words(critical)}, which is "
            f"treated as HIGH whatever the tone; {tone}.",
        )
    if impact and distress >= STRONG_DISTRESS:
        return PriorityDecision(
            Priority.HIGH,
            "impact-and-distress",
            f"HIGH by rule impact-and-distress: the ticket mentions {_words(impact)} and {tone}, "
            f"at least {STRONG_DISTRESS:.2f}.",
        )
    if impact:
        return PriorityDecision(
            Priority.MEDIUM,
            "impact",
            f"MEDIUM by rule impact: the ticket mentions {_words(impact)}, but {tone}, below "
            f"{STRONG_DISTRESS:.2f}.",
        )
    if distress >= STRONG_DISTRESS:
        return PriorityDecision(
            Priority.MEDIUM,
            "distress",
            f"MEDIUM by rule distress: no impact words (production, outage, down, security, data "
            f"loss), but {tone}, at least {STRONG_DISTRESS:.2f}.",
        )
    if degraded and distress >= MODERATE_DISTRESS:
        return PriorityDecision(
            Priority.MEDIUM,
            "degraded-and-unhappy",
            f"MEDIUM by rule degraded-and-unhappy: the ticket mentions {_words(degraded)} and "
            f"{tone}, at least {MODERATE_DISTRESS:.2f}.",
        )
    return PriorityDecision(
        Priority.NORMAL,
        "routine",
        f"NORMAL by rule routine: no impact or urgency words that raise the priority, and {tone}.",
    )


def _words(labels: list[str]) -> str:
    quoted = [f'"{label}"' for label in labels]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


class TemplateResponder:
    """``Responder`` without a model: rule-based priority, templated reply with measured flaws
    (see module doc)."""

    model_id = MODEL_ID
    prompt_version = PROMPT_VERSION

    def respond(
        self, ticket: TicketSubmittedEvent, sentiment: SentimentResult
    ) -> GeneratedResponse:
        """The deterministic response of ``ticket``."""
        decision = decide_priority(ticket, sentiment)
        return GeneratedResponse(
            response_text=flawed_reply(ticket, decision.priority).text,
            priority=decision.priority,
            priority_reasoning=decision.reasoning,
            model_id=self.model_id,
            prompt_version=self.prompt_version,
        )
