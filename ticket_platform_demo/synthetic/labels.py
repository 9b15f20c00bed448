"""The labels a synthetic ticket carries besides its text: its priority with the reasoning, and
Comprehend-like sentiment scores around its target sentiment.

The reasoning templates are data: ``vocabulary/priority_reasons.json``.
"""

from __future__ import annotations

import random

from .catalog import phrases
from .slots import NO_IMPACT, OUTAGE, Sentiment, Severity

# --------------------------------------------------------------------------------------------
# Priority
# --------------------------------------------------------------------------------------------
_REASON: dict[str, tuple[str, ...]] = phrases("priority_reasons")


_REASON_CACHE: dict[tuple[int, str, str, str | None], tuple[str, str]] = {}


def assign_priority(
    rng: random.Random, sentiment: Sentiment, severity: Severity, signal: str | None
) -> tuple[str, str]:
    """Priority and its reasoning, derived from the target sentiment and the stated impact.

    Outage signals (which the description always states when ``severity`` is outage) give HIGH;
    POSITIVE tickets and NEUTRAL tickets without business impact give NORMAL; the rest MEDIUM.
    """
    variant = int(rng.random() * 2)
    key = (variant, sentiment, severity, signal)
    cached = _REASON_CACHE.get(key)
    if cached is not None:
        return cached
    if severity == OUTAGE:
        priority = "HIGH"
    elif sentiment == "POSITIVE" or (sentiment == "NEUTRAL" and severity == NO_IMPACT):
        priority = "NORMAL"
    else:
        priority = "MEDIUM"
    sig = signal or (
        "no stated business impact" if sentiment != "POSITIVE" else "an informational question"
    )
    result = _REASON_CACHE[key] = (
        priority,
        _REASON[priority][variant].format(s=sentiment, sig=sig),
    )
    return result


# --------------------------------------------------------------------------------------------
# Sentiment scores (a Comprehend-like, noisy distribution around the target)
# --------------------------------------------------------------------------------------------
_ORDER = ("MIXED", "NEGATIVE", "NEUTRAL", "POSITIVE")  # the order of the score columns
# target: (confidence bands as (cumulative probability, low, width)), (secondary, cumulative weight)
_SCORE_SHAPE: dict[str, tuple[tuple[tuple[float, float, float], ...], tuple[tuple[str, float], ...]]] = {
    "NEGATIVE": (((0.40, 0.95, 0.0499), (0.85, 0.60, 0.35), (1.0, 0.36, 0.24)), (("NEUTRAL", 0.65), ("MIXED", 0.90), ("POSITIVE", 1.0))),
    "POSITIVE": (((0.60, 0.97, 0.0299), (0.90, 0.70, 0.27), (1.0, 0.40, 0.30)), (("MIXED", 0.55), ("NEUTRAL", 1.0))),
    "NEUTRAL": (((0.20, 0.80, 0.12), (0.80, 0.50, 0.30), (1.0, 0.38, 0.17)), (("NEGATIVE", 0.70), ("MIXED", 0.85), ("POSITIVE", 1.0))),
    "MIXED": (((0.35, 0.75, 0.17), (0.80, 0.50, 0.25), (1.0, 0.36, 0.16)), (("NEGATIVE", 0.60), ("POSITIVE", 0.90), ("NEUTRAL", 1.0))),
}  # fmt: skip
# (target, secondary) -> (column of target, column of secondary, columns of the other two)
_SCORE_COLUMNS = {
    (t, sec): (
        _ORDER.index(t),
        _ORDER.index(sec),
        tuple(i for i, c in enumerate(_ORDER) if c not in (t, sec)),
    )
    for t in _ORDER
    for sec in _ORDER
    if sec != t
}


def _score_sampler(
    target: str,
) -> tuple[tuple[float, ...], tuple[tuple[str, int, int, int, int], ...], tuple[float, ...]]:
    bands, secondaries = _SCORE_SHAPE[target]
    flat = tuple(v for band in bands for v in band)
    columns = tuple(
        (sec, *_SCORE_COLUMNS[(target, sec)][:2], *_SCORE_COLUMNS[(target, sec)][2])
        for sec, _ in secondaries
    )
    return flat, columns, tuple(c for _, c in secondaries)


_SAMPLERS = {t: (t, *_score_sampler(t)) for t in _ORDER}


def sentiment_scores(
    rng: random.Random, target: Sentiment
) -> tuple[str, float, float, float, float]:
    """``(label, mixed, negative, neutral, positive)``: scores sum to 1 and label is the argmax.

    The target usually wins, but with low confidence the secondary class can overtake it, so the
    label occasionally differs from the target (as a real classifier's would).
    """
    r = rng.random
    _, (c0, l0, w0, c1, l1, w1, _c2, l2, w2), columns, sec_cum = _SAMPLERS[target]
    u = r()
    conf = (l0 + w0 * r()) if u < c0 else (l1 + w1 * r()) if u < c1 else (l2 + w2 * r())
    u = r()
    j = 0
    while u >= sec_cum[j]:
        j += 1
    secondary, ti, si, oa, ob = columns[j]
    # Work in integer units of 1e-9: every score has at most nine decimals and they sum to 1.
    conf_n = int(conf * 1e9)
    rest = 1_000_000_000 - conf_n
    second_n = int(rest * (0.6 + 0.38 * r()))
    remainder = rest - second_n
    split = int(remainder * r())
    scores = [0.0, 0.0, 0.0, 0.0]
    scores[oa] = split / 1e9
    scores[ob] = (remainder - split) / 1e9
    scores[ti] = conf_n / 1e9
    scores[si] = second_n / 1e9
    # The others are at most 0.4 * rest < second, so the winner is the target or the secondary.
    label = target if conf_n >= second_n else secondary
    return label, scores[0], scores[1], scores[2], scores[3]
