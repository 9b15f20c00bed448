"""The support reply of a synthetic ticket: greeting, acknowledgement, steps, asks, sign-off.

Templates are data (``vocabulary/replies.json``); the steps and asks are the issue type's own.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

from .catalog import IssueType, Product, phrases
from .slots import Sentiment, _pick
from .subject import ISSUE_LABELS

_TEMPLATES = phrases("replies")
_GREETING = _TEMPLATES["greeting"]
_ACK_FORMAL: dict[str, tuple[str, ...]] = _TEMPLATES["ack_formal"]
_ACK_INFORMAL: dict[str, tuple[str, ...]] = _TEMPLATES["ack_informal"]
_POS_STEPS_HEADER = _TEMPLATES["positive_steps_header"]
_POS_INFO_HEADER = _TEMPLATES["positive_info_header"]
_STEPS_HEADER = _TEMPLATES["steps_header"]
_INFO_HEADER = _TEMPLATES["info_header"]
_GENERIC_ASKS = _TEMPLATES["generic_asks"]
_FOLLOWUP: dict[str, tuple[str, ...]] = _TEMPLATES["followup"]
_FOLLOWUP_INFORMAL: str = _TEMPLATES["followup_informal"]
_WINDOW: dict[str, str] = _TEMPLATES["window"]
_CLOSING = _TEMPLATES["closing"]


def resource_note(resource: str | None, region: str | None) -> str:
    """The ``{res_note}`` of a reply: acknowledges the resource id the customer gave, if any."""
    if resource is None:
        return ""
    where = f" in {region}" if region else ""
    return f" We have noted the affected resource {resource}{where}."


def _combos(n: int, k: int) -> tuple[tuple[int, ...], ...]:
    return tuple(itertools.combinations(range(n), min(k, n)))


_COMBOS = {(n, k): _combos(n, k) for n in range(1, 9) for k in (2, 3)}


def _choose(rng: random.Random, seq: Sequence[str], k: int) -> list[str]:
    combos = _COMBOS[(len(seq), k)]
    return [seq[i] for i in combos[int(rng.random() * len(combos))]]


def compose_response(
    rng: random.Random,
    product: Product,
    issue: IssueType,
    sentiment: Sentiment,
    priority: str,
    *,
    informal: bool,
) -> str:
    """A support reply skeleton: greeting, acknowledgement, numbered steps, asks, sign-off.

    Leaves: ``{full}``, ``{ticket_id}`` and ``{res_note}`` (see :func:`resource_note`). Formal
    replies contain no contractions and no exclamation marks; ``informal`` replies contain at least
    one of either, so a tone judge has something to find.
    """
    r = rng.random
    values = {"label": ISSUE_LABELS[issue.name], "short": product.short, "product": product.name}
    ack = _pick(rng, (_ACK_INFORMAL if informal else _ACK_FORMAL)[sentiment]).format_map(values)
    parts = [_pick(rng, _GREETING), "", ack + "{res_note}"]

    steps = _choose(rng, issue.steps, 2 + int(r() * 2))
    positive = sentiment == "POSITIVE"
    parts += ["", _pick(rng, _POS_STEPS_HEADER if positive else _STEPS_HEADER)]
    parts += [f"{n}. {step}" for n, step in enumerate(steps, 1)]

    asks = _choose(rng, issue.asks, 2 + int(r() * 2))
    if r() < 0.3:
        asks.append(_pick(rng, _GENERIC_ASKS))
    parts += ["", _pick(rng, _POS_INFO_HEADER if positive else _INFO_HEADER)]
    parts += [f"- {ask}" for ask in asks]

    if informal and r() < 0.5:
        followup = _FOLLOWUP_INFORMAL.format(window=_WINDOW[priority])
    else:
        followup = _pick(rng, _FOLLOWUP[priority]).format_map(values)
    parts += ["", followup, ""]
    if sentiment == "POSITIVE" and r() < 0.4:
        parts.append("Thank you for choosing AWS." if not informal else "Thanks for choosing AWS!")
    else:
        parts.append(_pick(rng, _CLOSING))
    parts += ["AWS Support Team", "Ticket {ticket_id}"]
    return "\n".join(parts)
