"""The offline stand-in for Bedrock: a rule-based, templated responder.

``TemplateResponder`` implements the response generator's ``Responder`` protocol, so the offline
simulator runs the real ``generate_response`` with it. It is honest about what it is: its records
carry ``model_id = "offline-template-responder"`` and ``prompt_version = "template-v1"``, its
priority comes from explicit rules (the reasoning names the rule that fired), and its wording is
drawn from a small library of troubleshooting steps per product family (``responder_steps``). The same ticket always
gets the same response (choices are seeded by the ticket id).

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

import hashlib
import random
import re
from dataclasses import dataclass

from lambdas.response_generator.models import GeneratedResponse
from ticket_platform.contracts import Priority, SentimentResult, TicketSubmittedEvent
from ticket_platform.evaluation.text_checks.products import short_product
from ticket_platform_demo.simulator.responder_steps import family_of

MODEL_ID = "offline-template-responder"
PROMPT_VERSION = "template-v1"

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


# -- the response -----------------------------------------------------------------------------
_ACKNOWLEDGEMENTS = {
    Priority.HIGH: (
        "We understand the impact this has on your business, and we have given this case high "
        "priority.",
        "We have given this case high priority, as it affects your business.",
    ),
    Priority.MEDIUM: (
        "We understand that this is disrupting your work, and we will help you resolve it quickly.",
        "We understand that this is slowing your team down, and we are here to help.",
    ),
    Priority.NORMAL: (
        "We are glad to help you with this.",
        "We will be happy to help you with this.",
    ),
}
_STEP_INTROS = (
    "Please work through the following steps:",
    "To narrow down the cause, please go through these steps:",
)


def _rng(ticket_id: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(ticket_id.encode()).digest()[:8], "big"))


def compose_response(ticket: TicketSubmittedEvent, priority: Priority) -> str:
    """The customer reply: greeting, acknowledgement, 2-3 numbered steps, what to send back."""
    rng = _rng(ticket.ticketId)
    issue = ticket.data.product_issue_information
    first_name = ticket.data.customer_contact_information.first_name.strip()
    family = family_of(issue.product)
    count = 2 if priority == Priority.NORMAL else 3
    picked = sorted(rng.sample(range(len(family.steps)), count))
    product = short_product(issue.product)
    steps = "\n".join(
        f"{number}. {family.steps[index].format(product=product)}"
        for number, index in enumerate(picked, start=1)
    )
    greeting = f"Hello {first_name}," if first_name else "Hello,"
    return (
        f"{greeting}\n\n"
        f"Thank you for contacting AWS Support about {issue.issue_type} on {issue.product}, "
        f"recorded as ticket {ticket.ticketId}. {rng.choice(_ACKNOWLEDGEMENTS[priority])}\n\n"
        f"{rng.choice(_STEP_INTROS)}\n{steps}\n\n"
        f"If the issue continues, please reply with {family.asks}, together with any error "
        f"message exactly as shown.\n\n"
        f"Best regards,\nAWS Support"
    )


class TemplateResponder:
    """``Responder`` without a model: rule-based priority, templated reply (see module doc)."""

    model_id = MODEL_ID
    prompt_version = PROMPT_VERSION

    def respond(
        self, ticket: TicketSubmittedEvent, sentiment: SentimentResult
    ) -> GeneratedResponse:
        """The deterministic response of ``ticket``."""
        decision = decide_priority(ticket, sentiment)
        return GeneratedResponse(
            response_text=compose_response(ticket, decision.priority),
            priority=decision.priority,
            priority_reasoning=decision.reasoning,
            model_id=self.model_id,
            prompt_version=self.prompt_version,
        )
