"""The template responder's clean reply, in parts that ``responder_flaws`` can spoil.

Greeting; opening (thanks, the issue type and product, the ticket id, then the customer's own
account said back: the symptom in their words, the error they quote, what their monitoring shows,
their workload and resource, what they already tried, read by ``responder_context``; an
acknowledgement by priority); the customer's question quoted and answered with the issue type's
closest step (without a question, that step for the symptom); an intro and 2-3 numbered steps,
the issue type's concrete ones closest to the symptom first, then the product family's
(``responder_steps``: console, logs, metrics, CLI); what to send back; sign-off. Choices are
seeded by the ticket id, so the same ticket always gets the same clean reply.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, replace

from ticket_platform.contracts import Priority, TicketSubmittedEvent
from ticket_platform.evaluation.text_checks.products import short_product
from ticket_platform_demo.simulator.responder_context import TicketFacts, read_ticket
from ticket_platform_demo.simulator.responder_steps import Family, family_of
from ticket_platform_demo.synthetic.catalog import IssueType

SIGN_OFF = "Best regards,\nAWS Support"

_ACKNOWLEDGEMENTS = {
    Priority.HIGH: (
        "Given the impact on your business, we have given this case high priority.",
        "We have given this case high priority, as it affects your business.",
    ),
    Priority.MEDIUM: (
        "This is disrupting your work, and we will help you resolve it quickly.",
        "We know that this is slowing your team down, and we are here to help.",
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


def seeded_rng(key: str) -> random.Random:
    """A random generator seeded by ``key`` (a ticket id, or a ticket id and a purpose)."""
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


@dataclass(frozen=True, slots=True)
class ReplyParts:
    """A reply before rendering; an empty ``intro``/``steps``/``ask`` leaves its block out."""

    greeting: str
    opening: str
    intro: str
    steps: tuple[str, ...]
    ask: str
    sign_off: str = SIGN_OFF
    answer: str = ""  # the customer's question quoted and answered

    def with_(self, **changes: object) -> ReplyParts:
        return replace(self, **changes)  # type: ignore[arg-type]

    def render(self) -> str:
        blocks = [self.greeting, self.opening] + ([self.answer] if self.answer else [])
        if self.steps:
            numbered = "\n".join(f"{n}. {step}" for n, step in enumerate(self.steps, start=1))
            blocks.append(f"{self.intro}\n{numbered}" if self.intro else numbered)
        elif self.intro:
            blocks.append(self.intro)
        blocks += [block for block in (self.ask, self.sign_off) if block]
        return "\n\n".join(blocks)


def step_count(priority: Priority) -> int:
    return 2 if priority == Priority.NORMAL else 3


def family_steps(
    family: Family, product: str, count: int, rng: random.Random, *, focus: str = ""
) -> tuple[str, ...]:
    """``count`` steps of ``family`` in library order, ``{product}`` filled with its short name;
    those sharing most words with ``focus`` (the customer's account) are preferred."""
    short = short_product(product)
    texts = [step.format(product=short) for step in family.steps]
    order = rng.sample(range(len(texts)), len(texts))
    wanted = _words(focus)
    ranked = sorted(order, key=lambda i: -len(_words(texts[i]) & wanted)) if wanted else order
    return tuple(texts[i] for i in sorted(ranked[:count]))


def _words(text: str) -> set[str]:
    return {w.lower()[:6] for w in re.findall(r"[A-Za-z]{4,}", text)}


def issue_steps(issue: IssueType, focus: str, rng: random.Random) -> list[str]:
    """The issue type's own steps, those closest to ``focus`` (the customer's symptom, error or
    question) first; ties in a per-ticket order."""
    order = rng.sample(range(len(issue.steps)), len(issue.steps))
    wanted = _words(focus)
    return [
        issue.steps[i] for i in sorted(order, key=lambda i: -len(_words(issue.steps[i]) & wanted))
    ]


# Where a step sends the customer: a console, logs, metrics, a command, an API or setting name.
_WHERE = re.compile(
    r"\bconsole\b|\blogs?\b|\bmetrics?\b|`|\b[A-Z][a-z]+[A-Z]\w*|\b[A-Z]+_[A-Z_]+\b"
)


def concrete(step: str, vocab: tuple[str, ...]) -> bool:
    """Whether ``step`` says where to look or what to set: a console, logs, metrics, a command,
    an API or setting name, or one of the product's own terms ("security group")."""
    lowered = step.lower()
    named = (term.lower() for term in vocab if " " in term)  # "security group", not "AMI"
    return bool(_WHERE.search(step)) or any(term in lowered for term in named)


def _lower_first(text: str) -> str:
    """``text`` to follow other words: "The user pool ID" -> "the user pool ID", "A timestamp"
    -> "a timestamp", but "ACL rules" stays."""
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first[1:].islower() or len(first) == 1 else text


def _understanding(facts: TicketFacts) -> str:
    """The customer's account said back: symptom, error, what monitoring shows, resource,
    what they tried."""
    said = []
    if facts.symptom:
        said.append(f"that {_lower_first(facts.symptom)}")
    if facts.error:
        said.append(f'that you receive the error "{facts.error}"')
    if facts.metric:
        said.append(f"that {_lower_first(facts.metric)}")
    sentences = [f"We understand {', and '.join(said)}."] if said else []
    noted = [f"that this concerns your {facts.workload}"] if facts.workload else []
    if facts.resource:
        noted.append(f"the affected resource {facts.resource}")
    if noted:
        sentences.append(f"We have noted {' and '.join(noted)}.")
    if facts.tried:
        sentences.append(
            f"You mention that you already {' and '.join(facts.tried[:2])}, so the steps below "
            "go further."
        )
    return " ".join(sentences)


def _answer(facts: TicketFacts, advice: str | None) -> str:
    """The customer's question quoted and answered with the issue type's step that fits it
    best; without a question, that step for the symptom. A question the issue type's steps do
    not answer ("Can you check whether anything changed on your side?") is promised an answer
    once the details asked for arrive."""
    if facts.question and facts.known_question and advice:
        return f'You asked: "{facts.question}" We recommend that you {_lower_first(advice)}'
    if facts.question:
        return (
            f'You asked: "{facts.question}" We will answer this in full once we have the '
            "details requested at the end; in the meantime, the steps below are where we would "
            "start."
        )
    if advice:
        return f"From what you describe, we recommend that you first {_lower_first(advice)}"
    return ""


def compose_parts(
    ticket: TicketSubmittedEvent,
    priority: Priority,
    *,
    product: str | None = None,
    issue_type: str | None = None,
) -> ReplyParts:
    """The clean reply's parts; ``product``/``issue_type`` write it about something else (then
    it says nothing of the customer's own account, which is another problem's)."""
    rng = seeded_rng(ticket.ticketId)
    issue = ticket.data.product_issue_information
    elsewhere = product is not None or issue_type is not None
    product = product or issue.product
    issue_type = issue_type or issue.issue_type
    facts = TicketFacts() if elsewhere else read_ticket(ticket)
    first_name = ticket.data.customer_contact_information.first_name.strip()
    family = family_of(product)
    focus = " ".join(filter(None, (facts.symptom, facts.error, facts.metric)))
    count, advice, own = step_count(priority), None, []
    if facts.issue:
        # The issue type's own steps closest to the customer's account (up to all but one, and
        # only concrete ones), then the family's (console, logs, metrics, CLI). The question is
        # answered with the issue type's step closest to it.
        if facts.known_question:
            advice = issue_steps(facts.issue, facts.question or "", rng)[0]
        ranked = [s for s in issue_steps(facts.issue, focus, rng) if s != advice]
        own = [s for s in ranked if concrete(s, facts.vocab)][: count - 1]
        if advice is None:
            advice = next((s for s in ranked if s not in own), None)
    steps = (*own, *family_steps(family, product, count - len(own), rng, focus=focus))
    asks = (
        " and ".join(_lower_first(a) for a in rng.sample(facts.issue.asks, 2))
        if facts.issue and len(facts.issue.asks) >= 2
        else family.asks
    )
    error_ask = (
        ""
        if "error" in asks
        else ", together with the full output around the error you quoted"
        if facts.error
        else ", together with any error message exactly as shown"
    )
    opening = (
        f"Thank you for contacting AWS Support about {issue_type} on {product}, recorded as "
        f"ticket {ticket.ticketId}. {_understanding(facts)} {rng.choice(_ACKNOWLEDGEMENTS[priority])}"
    )
    return ReplyParts(
        greeting=f"Hello {first_name}," if first_name else "Hello,",
        opening=" ".join(opening.split()),
        answer=_answer(facts, advice),
        intro=rng.choice(_STEP_INTROS),
        steps=steps,
        ask=f"If the issue continues, please reply with {asks}{error_ask}.",
    )


def compose_response(ticket: TicketSubmittedEvent, priority: Priority) -> str:
    """The clean customer reply: greeting, the customer's account said back, the answer to their
    question, 2-3 numbered steps, what to send back (no flaws: the responder spoils some of
    them, see ``responder_flaws``)."""
    return compose_parts(ticket, priority).render()
