"""The subject of a synthetic ticket: a topic of its issue type, in the tone of its sentiment.

Templates are data: ``vocabulary/subjects.json``.
"""

from __future__ import annotations

import random

from .catalog import PRODUCTS, IssueType, Product, phrases
from .slots import OUTAGE, Sentiment, Severity, SkeletonSlots, _pick

# Share of subjects that name the product (``Product.short`` or ``Product.name``).
SUBJECT_NAMED_RATE = 0.33


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first[1].isupper() or first[1].isdigit()):
        return text  # starts with an acronym (ETL, DNS, SSH, NAT)
    return text[:1].lower() + text[1:]


def _label(issue_name: str) -> str:
    words = []
    for word in issue_name.split():
        keep = (
            word in {"Kubernetes"}
            or sum(c.isupper() for c in word) > 1
            or any(c.isdigit() for c in word)
        )
        words.append(word if keep else word.lower())
    return " ".join(words)


# Issue type names are unique in the catalog; these caches are keyed by them.
ISSUE_LABELS: dict[str, str] = {i.name: _label(i.name) for p in PRODUCTS for i in p.issues}
_TOPICS: dict[str, tuple[tuple[str, str], ...]] = {
    i.name: tuple((t, _lower_first(t)) for t in (*i.topics, i.name))
    for p in PRODUCTS
    for i in p.issues
}


_TEMPLATES = phrases("subjects")
_SUBJ: dict[str, tuple[str, ...]] = _TEMPLATES["by_sentiment"]
_SUBJ_PRODUCT = _TEMPLATES["with_product"]
_SUBJ_PRODUCT_NAME = _TEMPLATES["with_product_name"]
_SUBJ_POS_PRODUCT = _TEMPLATES["positive_with_product"]


def compose_subject(
    rng: random.Random,
    slots: SkeletonSlots,
    product: Product,
    issue: IssueType,
    sentiment: Sentiment,
    severity: Severity,
) -> str:
    """A subject skeleton: the product is named in ``SUBJECT_NAMED_RATE`` of subjects."""
    r = rng.random
    named = r() < SUBJECT_NAMED_RATE
    label = ISSUE_LABELS[issue.name]
    if sentiment == "POSITIVE":
        if named:
            template = _pick(rng, _SUBJ_POS_PRODUCT)
            return template.format(p=_pick(rng, (product.short, product.name)), label=label)
        return _pick(rng, _SUBJ["POSITIVE"]).format(label=label)
    topics = _TOPICS[issue.name]
    topic, topic_lower = topics[int(r() * len(topics))]
    if named:
        p = product.short if r() < 0.7 else product.name
        templates = _SUBJ_PRODUCT_NAME if topic == issue.name else _SUBJ_PRODUCT
        topic = _pick(rng, templates).format(p=p, t=topic, t_l=topic_lower)
        topic_lower = topic
    template = _pick(rng, _SUBJ[sentiment])
    if (
        sentiment == "NEGATIVE"
        and severity != OUTAGE
        and template.startswith(("OUTRAGEOUS", "Production"))
    ):
        template = "{t}"
    return template.format_map(
        _SubjectArgs(t=topic, T=topic.upper(), t_l=topic_lower, label=label, slots=slots)
    )


class _SubjectArgs(dict):
    __slots__ = ("slots",)

    def __init__(self, *, slots: SkeletonSlots, **kwargs: str):
        super().__init__(kwargs)
        self.slots = slots

    def __missing__(self, key: str) -> str:
        return self.slots[key]
