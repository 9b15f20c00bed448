"""Slots: the values a ticket's text is filled with, and the skeletons that hold them.

Text is made in two steps, so that the generator can be fast without every ticket reading alike:

1. the composers (``description``, ``subject``, ``reply``) build a *skeleton*: the sentences, their
   order and the issue-specific content (symptom, error string, metric, vocabulary) are chosen;
   *leaf* values stay as ``{slot}`` placeholders (resource ids, regions, numbers, times, the
   product reference ``{thing}``, the customer's names, the ticket id). Skeleton building resolves
   structural slots through :class:`SkeletonSlots`. Skeletons are the expensive part; the
   generator keeps bounded pools.
2. :func:`render` fills a skeleton with a per-ticket :class:`Slots`, which generates each leaf on
   first use and then reuses it, so a ticket that mentions its resource id twice mentions the same
   id in its subject, description and reply.

Everything is driven by a ``random.Random`` passed in by the caller, so output is deterministic.
The word lists (regions, apps, times of day...) are data: ``vocabulary/slots.json``.
"""

from __future__ import annotations

import random
import string
from collections.abc import Sequence

from .catalog import PRODUCTS, IssueType, Product, phrases

Sentiment = str  # "POSITIVE" | "NEGATIVE" | "NEUTRAL" | "MIXED"
Severity = str  # "outage" | "degraded" | "none"

OUTAGE, DEGRADED, NO_IMPACT = "outage", "degraded", "none"


def _pick(rng: random.Random, seq: Sequence[str]) -> str:
    return seq[int(rng.random() * len(seq))]


def _cap(text: str) -> str:
    """Capitalize a clause, unless it starts with an identifier (``api.example.com``, ``iOS``, ``p99``)."""
    first = text.split(" ", 1)[0]
    if not first.isalpha() or not first[1:].islower():
        return text
    return text[:1].upper() + text[1:]


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format_map(slots) if "{" in template else template


# --------------------------------------------------------------------------------------------
# Slot values
# --------------------------------------------------------------------------------------------
def _weighted(counts: dict[str, int]) -> tuple[str, ...]:
    """``{"prod": 4, "staging": 2}`` -> ``("prod",) * 4 + ("staging",) * 2``, in file order."""
    return tuple(value for value, count in counts.items() for _ in range(count))


_WORDS = phrases("slots")
_REGIONS = _weighted(_WORDS["regions"])
_APPS = _WORDS["apps"]
_ENVS = _weighted(_WORDS["envs"])
_WHEN = _WORDS["when"]
_WHEN_AGO = _WORDS["when_ago"]
_WHEN_PAST = _WORDS["when_past"]
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_GENERIC_TRIED = _WORDS["generic_tried"]


_N = tuple(str(i) for i in range(2, 10))
_N2 = tuple(str(i) for i in range(10, 100))
_N3 = tuple(str(i) for i in range(100, 1000))
_MS = tuple(str(i) for i in range(40, 940, 3))
_MS2 = tuple(str(i) for i in range(1_200, 15_200, 37))
_PCT = tuple(str(i) for i in range(3, 98))
_HOURS = tuple(str(i) for i in range(2, 48))
_K = tuple(str(i) for i in range(5, 100))
_TIMES = tuple(f"{h:02d}:{m:02d}" for h in range(24) for m in range(0, 60, 5))


def _hex(rng: random.Random, n: int) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


def _chars(rng: random.Random, alphabet: str, n: int) -> str:
    r = rng.random
    k = len(alphabet)
    return "".join([alphabet[int(r() * k)] for _ in range(n)])


def _other(rng: random.Random, seq: Sequence[str], taken: str) -> str:
    """A member of ``seq`` different from ``taken`` (when ``seq`` has another one)."""
    if len(seq) < 2:
        return seq[0]
    value = _pick(rng, seq)
    while value == taken:
        value = _pick(rng, seq)
    return value


def _tried_pool(s: SkeletonSlots) -> tuple[str, ...]:
    return _GENERIC_TRIED if s.rng.random() < 0.2 else s.issue.tried


# Leaf slots: filled per ticket by `Slots` (and kept as placeholders in skeletons).
_LEAF_MAKERS = {
    "h4": lambda s: f"{s.rng.getrandbits(16):04x}",
    "h8": lambda s: f"{s.rng.getrandbits(32):08x}",
    "h17": lambda s: f"{s.rng.getrandbits(68):017x}",
    "H13": lambda s: _chars(s.rng, _UPPER, 13),
    "uuid": lambda s: (
        f"{_hex(s.rng, 8)}-{_hex(s.rng, 4)}-4{_hex(s.rng, 3)}-a{_hex(s.rng, 3)}-{_hex(s.rng, 12)}"
    ),
    "acct": lambda s: str(s.rng.randrange(100_000_000_000, 999_999_999_999)),
    "ip": lambda s: f"10.{s.rng.randrange(256)}.{s.rng.randrange(256)}.{s.rng.randrange(1, 255)}",
    "ip_pub": lambda s: (
        f"{_pick(s.rng, ('52', '54', '3', '18', '34'))}.{s.rng.randrange(256)}.{s.rng.randrange(256)}.{s.rng.randrange(1, 255)}"
    ),
    "poolid": lambda s: f"{s['region']}_{_chars(s.rng, _ALNUM, 9)}",
    "users": lambda s: f"{1 + int(s.rng.random() * 40)},{_pick(s.rng, _N3)}",
    "when": lambda s: _fill(_pick(s.rng, _WHEN), s),
    "when_ago": lambda s: _fill(_pick(s.rng, _WHEN_AGO), s),
    "res": lambda s: _render_resource(s),  # the product's resource templates, compiled below
    "it": lambda s: _pick(s.rng, s.product.nouns),
}
# Leaves drawn uniformly from a table (handled inline by `Slots.__missing__`, for speed). The
# closing sentence of each tone is a leaf too, so tickets sharing a skeleton still end differently.
_DESCRIPTIONS = phrases("descriptions")
_LEAF_TABLES: dict[str, tuple[str, ...]] = {
    "region": _REGIONS, "app": _APPS, "env": _ENVS, "n": _N, "n2": _N2, "n3": _N3, "ms": _MS, "ms2": _MS2,
    "pct": _PCT, "hours": _HOURS, "k": _K, "time": _TIMES, "when_past": _WHEN_PAST,
    "neg_ask": _DESCRIPTIONS["neg_ask"], "neu_ask": _DESCRIPTIONS["neu_ask"],
    "mix_close": _DESCRIPTIONS["mix_close"], "pos_close": _DESCRIPTIONS["pos_close"],
    "pos_open": _DESCRIPTIONS["pos_open_plain"], "mix_praise": _DESCRIPTIONS["mix_praise_plain"],
    "background": _DESCRIPTIONS["background"],
}  # fmt: skip
for _name, _pool in _LEAF_TABLES.items():
    assert _pool and not any("{" in t for t in _pool), _name  # table leaves are plain text
# Leaves the generator presets for every ticket instead of generating them (it also presets
# region, app and env, which most tickets need, drawing from these same tables).
PRESET_LEAVES = frozenset({"thing", "first", "full", "company", "domain", "ticket_id", "res_note"})
REGIONS, APPS, ENVS = _REGIONS, _APPS, _ENVS
LEAF_NAMES = frozenset(_LEAF_MAKERS) | frozenset(_LEAF_TABLES) | PRESET_LEAVES

# Structural slots: resolved while a skeleton is built. Their values are raw catalog strings that
# may themselves contain leaf placeholders.
_STRUCTURAL_MAKERS = {
    "vocab": lambda s: _pick(s.rng, s.product.vocab),
    "vocab2": lambda s: _other(s.rng, s.product.vocab, s["vocab"]),
    "symptom": lambda s: _pick(s.rng, s.issue.symptoms),
    "error": lambda s: _pick(s.rng, s.issue.errors),
    "metric": lambda s: _pick(s.rng, s.issue.metrics),
    "question": lambda s: _pick(s.rng, s.issue.questions),
    "tried": lambda s: _pick(s.rng, _tried_pool(s)),
    "tried2": lambda s: _other(s.rng, s.issue.tried + _GENERIC_TRIED, s["tried"]),
    "Symptom": lambda s: _cap(s["symptom"]),
    "Metric": lambda s: _cap(s["metric"]),
    "Question": lambda s: _cap(s["question"]),
}
SLOT_NAMES = LEAF_NAMES | frozenset(_STRUCTURAL_MAKERS)


class Slots(dict):
    """Per-ticket leaf values, generated on first use (see the module docstring).

    Built as ``Slots(preset)`` (no Python ``__init__``, for speed); set ``rng`` and ``product``
    before use, or use :func:`make_slots`.
    """

    __slots__ = ("product", "rng")

    def __missing__(self, key: str) -> str:
        table = _LEAF_TABLES.get(key)
        if table is not None:
            value = self[key] = table[int(self.rng.random() * len(table))]
            return value
        value = self[key] = _LEAF_MAKERS[key](self)
        return value


class SkeletonSlots(dict):
    """Skeleton-building values: structural slots are chosen, leaf slots stay placeholders."""

    __slots__ = ("issue", "product", "rng")

    def __init__(self, rng: random.Random, product: Product, issue: IssueType):
        super().__init__()
        self.rng = rng
        self.product = product
        self.issue = issue

    def __missing__(self, key: str) -> str:
        maker = _STRUCTURAL_MAKERS.get(key)
        if maker is None:
            if key not in LEAF_NAMES:
                raise KeyError(key)
            value = "{" + key + "}"
        else:
            value = maker(self)
        self[key] = value
        return value


def make_slots(rng: random.Random, product: Product, preset: dict[str, str]) -> Slots:
    slots = Slots(preset)
    slots.rng = rng
    slots.product = product
    return slots


Compiled = tuple[str, ...]


def _render_resource(slots: Slots) -> str:
    templates = _RESOURCES[slots.product.name]
    parts = templates[int(slots.rng.random() * len(templates))]
    if len(parts) == 1:
        return parts[0]
    out = list(parts)
    for j in range(1, len(out), 2):
        out[j] = slots[out[j]]
    return "".join(out)


def compile_skeleton(skeleton: str) -> Compiled:
    """Pre-parse a skeleton: literals at even positions, leaf names at odd positions.

    ``render(compile_skeleton(t), slots) == t.format_map(slots)``; rendering a compiled skeleton
    skips the character-by-character parse of ``str.format_map``, which dominates at scale.
    """
    parts = [""]
    for literal, field, spec, conversion in string.Formatter().parse(skeleton):
        parts[-1] += literal  # consecutive literals (around {{ and }} escapes) are merged
        if field is not None:
            if spec or conversion:
                raise ValueError(f"format specs are not supported in skeletons: {skeleton!r}")
            if field not in LEAF_NAMES:
                raise KeyError(f"{field!r} is not a leaf slot")
            parts += (field, "")
    return tuple(parts)


_RESOURCES: dict[str, tuple[Compiled, ...]] = {
    p.name: tuple(compile_skeleton(t) for t in p.resources) for p in PRODUCTS
}


def render(compiled: Compiled, slots: Slots) -> str:
    """Fill a compiled skeleton's leaf placeholders with one ticket's values."""
    if len(compiled) == 1:
        return compiled[0]
    out = list(compiled)
    for j in range(1, len(out), 2):
        out[j] = slots[out[j]]
    return "".join(out)
