"""What a ticket says about its problem, read back from its text for the template responder.

A real assistant's reply starts from the customer's own account: the symptom in their words, the
error they quote, what their monitoring shows, the resource they name, what they already tried
and the question they ask. ``read_ticket`` finds those in the subject and description.

The demo's tickets are written from the catalog's clauses (``ticket_platform_demo.synthetic``:
an issue type's ``symptoms``, ``errors``, ``metrics``, ``tried`` and ``questions``, a product's
``resources``), with per-ticket values in their ``{slots}``. When the ticket's product and issue
type are in the catalog, each clause is matched as a pattern (a slot matches any text), so the
clause comes back with the ticket's own values. Any other ticket falls back to plain reading: the
first quoted string is the error, the first question is the question, and the sentence with the
most trouble words is the symptom.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ticket_platform.contracts import TicketSubmittedEvent
from ticket_platform.contracts.style import style_problems
from ticket_platform_demo.synthetic.catalog import PRODUCTS, IssueType, Product, phrases

# What any customer may have tried, whatever the issue ("restarted the affected components").
_GENERIC_TRIED: tuple[str, ...] = phrases("slots")["generic_tried"]
# Questions any synthetic ticket may close with ("What would you recommend as next steps?"):
# the steps answer them, there is nothing specific to quote.
_ANY_TICKET_ASKS = frozenset(
    sentence.strip()
    for pool in ("neg_ask", "neu_ask", "mix_close", "pos_close", "background", "neg_complaint")
    for line in phrases("descriptions")[pool]
    for sentence in re.split(r"(?<=[.?!])\s+", line)
    if sentence.strip().endswith("?")
)
_SLOT = re.compile(r"\\\{(\w+)\\\}")
# The customer's own workload: "our payments workload", "our customer-facing orders service".
_WORKLOAD = re.compile(
    r"\bour (?:customer-facing )?(?!own\b|whole\b|entire\b|support\b)([a-z][\w-]*) "
    r"(workload|platform|service|processing|team|pipeline|application)\b",
    re.IGNORECASE,
)
# A resource id the customer names in one of the usual ways ("Resource in question: ...").
_NAMED_RESOURCE = re.compile(
    r"(?:affected resource is|resource in question:|^- resource:|happening on|it affects)\s+"
    r"([\w:/@.-]*\w)",
    re.IGNORECASE | re.MULTILINE,
)
_SENTENCES = re.compile(r"(?<=[.?!])\s+|\n+")
_QUOTED = re.compile(r"\"([^\"\n]{6,200})\"")
_TROUBLE = re.compile(
    r"\b(?:fail\w*|error\w*|cannot|unable|not|no longer|never|stuck|slow\w*|tim\w* ?out|"
    r"drop\w*|denied|throttl\w*|crash\w*|broken|missing|wrong|high\w*|lost|stopp\w*)\b",
    re.IGNORECASE,
)
_PRONOUNS = {
    "we": "you", "our": "your", "us": "you", "ours": "yours", "ourselves": "yourselves",
    "my": "your", "me": "you",
}  # fmt: skip
# Whole words only: "i-0abc" is an instance id, "us-east-1" a region.
_PRONOUN = re.compile(r"(?<![\w-])(?:" + "|".join(_PRONOUNS) + r")(?![\w-])", re.IGNORECASE)
_FIRST_PERSON = (
    (re.compile(r"(?<![\w-])I am\b"), "you are"),
    (re.compile(r"(?<![\w-])I(?![\w-])"), "you"),
)
_CONTRACTIONS = (
    (r"\bcan['\u2019]t\b", "cannot"),
    (r"\bwon['\u2019]t\b", "will not"),
    (r"n['\u2019]t\b", " not"),
    (r"['\u2019]re\b", " are"),
    (r"['\u2019]ve\b", " have"),
    (r"['\u2019]ll\b", " will"),
    (r"['\u2019]m\b", " am"),
    (r"\b(it|that|there|what)['\u2019]s\b", r"\1 is"),
)


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """The customer's account of the problem, in their words (``None``/empty when not given)."""

    symptom: str | None = None
    error: str | None = None
    metric: str | None = None
    resource: str | None = None
    workload: str | None = None  # "payments workload", said back as "your payments workload"
    tried: tuple[str, ...] = ()
    question: str | None = None  # as the customer wrote it, to be quoted
    known_question: bool = False  # one of the issue type's questions (its steps answer it)
    issue: IssueType | None = None  # the catalog's issue type, when the ticket's is there
    vocab: tuple[str, ...] = ()  # the product's own terms (catalog), to tell a concrete step


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def second_person(text: str) -> str:
    """The customer's clause as the reply says it back: "our queue" -> "your queue", no
    contractions."""
    for pattern, plain in _CONTRACTIONS:
        text = re.sub(pattern, plain, text, flags=re.IGNORECASE)

    def swap(match: re.Match[str]) -> str:
        word = _PRONOUNS[match.group(0).lower()]
        return word.capitalize() if match.group(0)[0].isupper() and match.start() == 0 else word

    for pattern, said in _FIRST_PERSON:
        text = pattern.sub(said, text)
    return _PRONOUN.sub(swap, text)


@cache
def _catalog(product: str, issue_type: str) -> tuple[Product, IssueType] | None:
    for entry in PRODUCTS:
        if entry.name == product:
            issue = next((i for i in entry.issues if i.name == issue_type), None)
            return (entry, issue) if issue else None
    return None


# Slots whose values hold spaces ("last Tuesday", "the web servers"); the others are one token.
_MULTIWORD_SLOTS = frozenset({"when", "when_ago", "when_past", "thing", "it"})


def _slot_pattern(match: re.Match[str]) -> str:
    return r"[^\n]+?" if match.group(1) in _MULTIWORD_SLOTS else r"[\w:/@.-]*\w"


@cache
def _pattern(template: str) -> re.Pattern[str]:
    """A catalog clause as a pattern: its ``{slots}`` match the ticket's values."""
    body = _SLOT.sub(_slot_pattern, re.escape(template))
    return re.compile(r"(?<![\w-])" + body, re.IGNORECASE)


def _found(templates: tuple[str, ...], text: str) -> list[str]:
    """The clauses of ``templates`` found in ``text``, with the ticket's values, in text order."""
    hits = []
    for template in templates:
        if len(re.sub(r"\{\w+\}", "", template)) < 2:  # a bare "{poolid}" matches any word
            continue
        match = _pattern(template).search(text)
        if match:
            hits.append((match.start(), match.group(0)))
    return [clause for _, clause in sorted(hits)]


def _speakable(text: str | None) -> str | None:
    """``text`` if the reply can quote it in the house style (no contraction, no "!")."""
    return text if text and not style_problems(text) else None


def _first_question(description: str) -> str | None:
    for sentence in _SENTENCES.split(description):
        sentence = sentence.strip()
        if (
            sentence.endswith("?")
            and len(sentence.split()) >= 4
            and sentence not in _ANY_TICKET_ASKS
        ):
            return re.sub(r"^[^:?]{0,60}:\s*", "", sentence)  # "Our question: ..." -> "..."
    return None


def _plain_symptom(subject: str, description: str) -> str | None:
    """The description's sentence with the most trouble words (the subject's when none has,
    ``None`` when neither has any)."""
    scored = [
        (len(_TROUBLE.findall(s)), -i, s.strip())
        for i, s in enumerate(_SENTENCES.split(description))
        if not s.strip().endswith("?") and len(s.split()) >= 4
    ]
    best = max(scored, default=(0, 0, ""))
    text = best[2] if best[0] else subject.strip() if _TROUBLE.search(subject) else ""
    return text.rstrip(".!") or None


def read_ticket(ticket: TicketSubmittedEvent) -> TicketFacts:
    """The customer's account of the problem (see the module docstring)."""
    data, info = ticket.data, ticket.data.product_issue_information
    text = f"{data.subject}\n{data.description}"
    quoted = _QUOTED.search(data.description)
    workload = _WORKLOAD.search(data.description)
    named = _NAMED_RESOURCE.search(data.description)
    plain = TicketFacts(
        resource=named.group(1) if named else None,
        workload=f"{workload.group(1)} {workload.group(2)}".lower() if workload else None,
        symptom=_speakable(second_person(_plain_symptom(data.subject, data.description) or "")),
        error=_speakable(quoted.group(1) if quoted else None),
        question=_speakable(_first_question(data.description)),
    )
    known = _catalog(info.product, info.issue_type)
    if known is None:
        return plain
    product, issue = known
    symptoms, errors = _found(issue.symptoms, text), _found(issue.errors, text)
    metrics, questions = _found(issue.metrics, text), _found(issue.questions, text)
    resources = _found(product.resources, text)
    return TicketFacts(
        symptom=_speakable(second_person(symptoms[0])) if symptoms else plain.symptom,
        error=_speakable(errors[0]) if errors else plain.error,
        metric=_speakable(second_person(metrics[0])) if metrics else None,
        resource=resources[0] if resources else plain.resource,
        workload=plain.workload,
        tried=tuple(
            second_person(t) for t in _found(issue.tried + _GENERIC_TRIED, text) if _speakable(t)
        ),
        question=_speakable(_cap(questions[0])) if questions else plain.question,
        known_question=bool(questions and _speakable(questions[0])),
        issue=issue,
        vocab=product.vocab,
    )
