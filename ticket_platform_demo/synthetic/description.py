"""The description of a synthetic ticket: a skeleton in the tone of its target sentiment.

The product name is deliberately *not* a fixed part of the text (a routing model trained on these
tickets is evaluated on real ones). The description names the product only when
``Slots["thing"]`` was drawn from ``Product.named``; otherwise it refers to it with a generic noun
("the instance", "the bucket") and lets the service vocabulary, errors and symptoms carry the
signal, as real customers do. Sentence pools (``vocabulary/descriptions.json``) are
interchangeable and their order varies per ticket.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from .catalog import phrases
from .slots import (
    NO_IMPACT,
    OUTAGE,
    Sentiment,
    Severity,
    SkeletonSlots,
    _fill,
    _pick,
)

# Share of descriptions / subjects whose product reference is drawn from ``Product.named``.
# Not every template uses the reference, so the share of texts containing the name is lower.
DESCRIPTION_NAMED_RATE = 0.55

_POOLS = phrases("descriptions")
_CONTEXT = _POOLS["context"]
_NEG_CONTEXT = _POOLS["neg_context"]
_ERROR = _POOLS["error"]
_METRIC = _POOLS["metric"]
_RESOURCE = _POOLS["resource"]
_VOCAB = _POOLS["vocab"]
_TRIED = _POOLS["tried"]
# severity: (template, signal named in the priority reasoning)
_IMPACT: dict[str, tuple[tuple[str, str], ...]] = {
    severity: tuple((row["template"], row["signal"]) for row in rows)
    for severity, rows in _POOLS["impact"].items()
}
_DETAIL_LINES = tuple((row["label"], row["value"]) for row in _POOLS["detail_lines"])
_DETAIL_HEADERS = _POOLS["detail_headers"]
_NEG_OPEN = _POOLS["neg_open"]
_NEG_COMPLAINT = _POOLS["neg_complaint"]
_NEU_OPEN = _POOLS["neu_open"]
_MIX_PRAISE = _POOLS["mix_praise"]
_MIX_TURN = _POOLS["mix_turn"]
_MIX_AFTER = _POOLS["mix_after"]
_POS_OPEN = _POOLS["pos_open"]
_POS_CONTEXT = _POOLS["pos_context"]
_POS_MINOR = _POOLS["pos_minor"]
_POS_QUESTION = _POOLS["pos_question"]
_SIGNOFF = _POOLS["signoff"]
# The asks, closings, plain openers and background sentences are per-ticket leaves
# ({neg_ask}, {pos_close}, {background}...): see slots._LEAF_TABLES.


def _sentence(rng: random.Random, pool: Sequence[str], slots: SkeletonSlots) -> str:
    return _fill(_pick(rng, pool), slots)


def _details_block(rng: random.Random, slots: SkeletonSlots) -> str:
    r = rng.random
    lines = [_pick(rng, _DETAIL_HEADERS)]
    for label, value in _DETAIL_LINES:
        if r() < 0.55:
            lines.append(f"- {label}: {_fill(value, slots)}")
    if len(lines) < 3:  # at least the error and one more fact
        if not any(line.startswith("- Error") for line in lines):
            lines.append(f"- Error: {slots['error']}")
        if len(lines) < 3:
            lines.insert(1, "- Resource: {res}")
    return "\n".join(lines)


def _detail_sentences(rng: random.Random, slots: SkeletonSlots, k: int) -> list[str]:
    pools = [_ERROR, _METRIC, _RESOURCE, _VOCAB]
    rng.shuffle(pools)
    return [_sentence(rng, pool, slots) for pool in pools[:k]]


def _join(paragraphs: list[list[str]]) -> str:
    out = []
    for p in paragraphs:
        if not p:
            continue
        if len(p) > 1 and p[0].endswith(","):  # "Hello," / "Hi team," stands on its own line
            out.append(p[0])
            p = p[1:]
        out.append(" ".join(p))
    return "\n\n".join(out)


def compose_description(
    rng: random.Random, slots: SkeletonSlots, sentiment: Sentiment, severity: Severity
) -> tuple[str, str | None]:
    """A description skeleton, and the impact signal it states (``None`` when it states none)."""
    r = rng.random
    signal: str | None = None
    impact: str | None = None
    if (
        severity == OUTAGE
        or (severity != NO_IMPACT and r() < 0.55)
        or (severity == NO_IMPACT and r() < 0.5)
    ):
        template, signal = _IMPACT[severity][int(r() * len(_IMPACT[severity]))]
        impact = _fill(template, slots)

    if sentiment == "NEGATIVE":
        context = _sentence(rng, _NEG_CONTEXT if r() < 0.35 else _CONTEXT, slots)
        detail: list[str] | str = (
            _details_block(rng, slots)
            if r() < 0.2
            else _detail_sentences(rng, slots, 1 + int(r() * 2))
        )
        tried = [_sentence(rng, _TRIED, slots)] if r() < 0.7 else []
        if r() < 0.4:
            tried.append("{background}")
        opener = [_sentence(rng, _NEG_OPEN, slots)] if r() < 0.85 else []
        complaint = [_sentence(rng, _NEG_COMPLAINT, slots)] if r() < 0.55 else []
        ask = ["{neg_ask}"]
        imp = [impact] if impact else []
        layout = int(r() * 3)
        if isinstance(detail, str):
            paragraphs = [[*opener, context], [detail], tried + imp + complaint, ask]
        elif layout == 0:
            paragraphs = [[*opener, context, *detail, *tried], imp + complaint, ask]
        elif layout == 1:
            paragraphs = [opener + imp + [context], detail + tried + complaint + ask]
        else:
            paragraphs = [[context, *detail], opener + imp + tried, complaint + ask]
    elif sentiment == "NEUTRAL":
        opener = [_sentence(rng, _NEU_OPEN, slots)] if r() < 0.45 else []
        context = _sentence(rng, _CONTEXT, slots)
        tried = [_sentence(rng, _TRIED, slots)] if r() < 0.6 else []
        if r() < 0.5:
            tried.insert(0, "{background}")
        ask = ["{neu_ask}"]
        imp = [impact] if impact else []
        if r() < 0.35:
            paragraphs = [[*opener, context, *imp], [_details_block(rng, slots)], tried + ask]
        else:
            detail = _detail_sentences(rng, slots, 1 + int(r() * 3))
            if r() < 0.5:
                paragraphs = [[*opener, context, *detail], tried + imp + ask]
            else:
                paragraphs = [[*opener, context, *imp, *detail, *tried, *ask]]
    elif sentiment == "MIXED":
        praise = "{mix_praise}" if r() < 0.5 else _sentence(rng, _MIX_PRAISE, slots)
        turn = _sentence(rng, _MIX_TURN, slots)
        detail = _detail_sentences(rng, slots, int(r() * 3))
        tried = [_sentence(rng, _TRIED, slots)] if r() < 0.5 else []
        if r() < 0.35:
            tried.append("{background}")
        imp = [impact] if impact else []
        close = "{mix_close}"
        if r() < 0.7:
            paragraphs = [[praise, turn, *detail], tried + imp + [close]]
        else:
            context = _sentence(rng, _CONTEXT, slots)
            paragraphs = [
                [context, *detail, *tried],
                [*imp, _sentence(rng, _MIX_AFTER, slots), close],
            ]
    else:  # POSITIVE
        opener = "{pos_open}" if r() < 0.5 else _sentence(rng, _POS_OPEN, slots)
        extra: list[str] = []
        if r() < 0.5:
            extra.append(_sentence(rng, _POS_CONTEXT, slots))
        if r() < 0.2:
            extra.append(_sentence(rng, _POS_MINOR, slots))
        if r() < 0.2:
            extra.append(_sentence(rng, _RESOURCE, slots))
        question = _sentence(rng, _POS_QUESTION, slots)
        close = "{pos_close}"
        imp = [impact] if impact else []
        if r() < 0.5:
            paragraphs = [[opener, *extra], [question, *imp], [close]]
        else:
            paragraphs = [[opener, *extra, question, *imp, close]]

    text = _join(paragraphs)
    if r() < 0.35:
        text += _fill(_pick(rng, _SIGNOFF), slots)
    return text, signal
