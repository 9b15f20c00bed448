"""Subject, description, response, priority and sentiment-score composition for synthetic tickets.

Everything here is driven by a ``random.Random`` passed in by the caller, so output is deterministic.

Text is made in two steps, so that the generator can be fast without every ticket reading alike:

1. ``compose_*`` build a *skeleton*: the sentences, their order and the issue-specific content
   (symptom, error string, metric, vocabulary) are chosen; *leaf* values stay as ``{slot}``
   placeholders (resource ids, regions, numbers, times, the product reference ``{thing}``, the
   customer's names, the ticket id). Skeleton building resolves structural slots through
   :class:`SkeletonSlots`. Skeletons are the expensive part; the generator keeps bounded pools.
2. :func:`render` fills a skeleton with a per-ticket :class:`Slots`, which generates each leaf on
   first use and then reuses it, so a ticket that mentions its resource id twice mentions the same
   id in its subject, description and reply.

The product name is deliberately *not* a fixed part of the text (a routing model trained on these
tickets is evaluated on real ones). The description names the product only when
``Slots["thing"]`` was drawn from ``Product.named``; otherwise it refers to it with a generic noun
("the instance", "the bucket") and lets the service vocabulary, errors and symptoms carry the
signal, as real customers do. Sentence pools are interchangeable and their order varies per ticket.
"""

from __future__ import annotations

import itertools
import random
import string
from collections.abc import Sequence

from .catalog import PRODUCTS, IssueType, Product

Sentiment = str  # "POSITIVE" | "NEGATIVE" | "NEUTRAL" | "MIXED"
Severity = str  # "outage" | "degraded" | "none"

OUTAGE, DEGRADED, NO_IMPACT = "outage", "degraded", "none"

# Share of descriptions / subjects whose product reference is drawn from ``Product.named``.
# Not every template uses the reference, so the share of texts containing the name is lower.
DESCRIPTION_NAMED_RATE = 0.55
SUBJECT_NAMED_RATE = 0.33


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
_REGIONS = (
    ("us-east-1",) * 8
    + ("us-west-2",) * 4
    + ("eu-west-1",) * 4
    + ("eu-central-1",) * 3
    + ("us-east-2",) * 2
    + ("ap-southeast-1",) * 2
    + ("ap-northeast-1",) * 2
    + ("eu-west-2",) * 2
    + ("ap-south-1", "ap-southeast-2", "ca-central-1", "sa-east-1", "eu-north-1")
)
_APPS = (
    "checkout", "orders", "billing", "payments", "ingest", "reporting", "search", "auth", "catalog",
    "notifications", "analytics", "inventory", "ledger", "etl", "web", "api", "mobile-api",
    "partner-sync", "pricing", "shipping", "crm", "invoicing", "media", "recommendations",
)  # fmt: skip
_ENVS = ("prod", "prod", "prod", "prod", "production", "staging", "staging", "dev", "qa", "uat")
_WHEN = (
    "yesterday afternoon", "this morning", "last night", "{time} UTC today", "our deployment yesterday",
    "the maintenance window on Sunday", "Monday", "the weekend", "the last release", "about {time} UTC yesterday",
    "the security patch was applied", "we upgraded last week",
)  # fmt: skip
_WHEN_AGO = (
    "about {hours} hours ago", "yesterday around {time} UTC", "right after our last deployment", "over the weekend",
    "this morning", "two days ago", "shortly after midnight UTC", "earlier today", "on Friday evening",
    "after the maintenance window",
)  # fmt: skip
_WHEN_PAST = (
    "last year",
    "a few months ago",
    "in the spring",
    "during our migration",
    "early this year",
    "in 2023",
)
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_GENERIC_TRIED = (
    "checked the AWS Health Dashboard",
    "followed the troubleshooting guide in the documentation",
    "rolled back our most recent change",
    "compared the setup with our staging environment",
    "searched the forums and the knowledge center",
    "restarted the affected components",
)


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
_LEAF_TABLES: dict[str, tuple[str, ...]] = {
    "region": _REGIONS, "app": _APPS, "env": _ENVS, "n": _N, "n2": _N2, "n3": _N3, "ms": _MS, "ms2": _MS2,
    "pct": _PCT, "hours": _HOURS, "k": _K, "time": _TIMES, "when_past": _WHEN_PAST,
    # filled below, after the pools:
    "neg_ask": (), "neu_ask": (), "mix_close": (), "pos_close": (), "pos_open": (), "mix_praise": (), "background": (),
}  # fmt: skip
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


# --------------------------------------------------------------------------------------------
# Description sentence pools
# --------------------------------------------------------------------------------------------
_CONTEXT = (
    "Since {when}, {symptom}.",
    "{Symptom}. This started {when_ago}.",
    "We have a problem with {thing} in {region}: {symptom}.",
    "In our {env} account ({region}), {symptom}.",
    "We are seeing the following with {thing}: {symptom}.",
    "{Symptom}, and we cannot figure out why.",
    "Starting {when_ago}, {symptom}.",
    "We run {thing} for our {app} workload, and {symptom}.",
    "Our {app} team reports that {symptom}.",
    "For the past {hours} hours {symptom}.",
    "Our application is experiencing an issue with {thing}: {symptom}.",
    "Short version: {symptom}.",
)
_NEG_CONTEXT = (
    "Once again, {symptom}.",
    "For {hours} hours now, {symptom}, and nobody can tell us why.",
    "{Symptom}. AGAIN.",
    "{Symptom}, and it keeps getting worse.",
    "Our {app} platform depends on {thing}, and right now {symptom}.",
)
_ERROR = (
    'The error we get is "{error}".',
    'We receive "{error}" when this happens.',
    'The logs show "{error}".',
    'Error message: "{error}".',
    'Our logs are full of "{error}".',
    'Every attempt fails with "{error}".',
    "The exact error is '{error}'.",
)
_METRIC = (
    "Our monitoring shows that {metric}.",
    "For reference, {metric}.",
    "{Metric}.",
    "Looking at the graphs, {metric}.",
    "In numbers: {metric}.",
)
_RESOURCE = (
    "The affected resource is {res} in {region}.",
    "This is happening on {res}.",
    "Resource in question: {res} ({region}).",
    "It affects {res}, among others.",
)
_VOCAB = (
    "We already double-checked the {vocab} and the {vocab2}.",
    "Nothing changed in the {vocab} as far as we know.",
    "The {vocab} looks correct to us.",
    "We have not touched the {vocab} in months.",
    "We suspect the {vocab}, but we are not sure.",
)
_TRIED = (
    "We have already {tried} and {tried2}, without success.",
    "So far we {tried}, but it did not help.",
    "Before opening this ticket we {tried} and {tried2}.",
    "We {tried}; no change.",
    "Things we tried: we {tried}, and we also {tried2}.",
    "We have {tried}, and the problem is still there.",
)
# (template, signal named in the priority reasoning)
_IMPACT: dict[str, tuple[tuple[str, str], ...]] = {
    OUTAGE: (
        ("Our customer-facing {app} service is completely down.", "customer-facing service down"),
        (
            "Production is down and we are losing revenue every minute this continues.",
            "production outage, revenue loss",
        ),
        ("This has taken our {app} platform offline for {hours} hours now.", "platform offline"),
        ("We estimate ${k},000 in lost revenue so far.", "revenue loss"),
        ("None of our {users} users can log in or work right now.", "all users blocked"),
        ("We are in breach of the SLA with our largest customer because of this.", "SLA breach"),
        ("Orders are failing in production as we speak.", "production orders failing"),
        ("This is a full production outage for us.", "production outage"),
    ),
    DEGRADED: (
        ("It is slowing down our {app} processing noticeably.", "slower processing"),
        ("Around {pct}% of requests are affected; the rest work.", "partial failures"),
        ("Our nightly jobs now finish hours late.", "delayed batch jobs"),
        ("The team has to restart things by hand a few times a day.", "manual workarounds"),
        ("Some internal users are affected, customers are not yet.", "internal users affected"),
        ("It is affecting part of our {env} workload.", "partial workload impact"),
    ),
    NO_IMPACT: (
        ("Nothing is customer-facing and there is no urgency.", "no user impact"),
        ("There is no impact on users at the moment.", "no user impact"),
        ("This is not blocking anything right now.", "not blocking"),
    ),
}
_DETAIL_LINES = (
    ("Region", "{region}"),
    ("Resource", "{res}"),
    ("Environment", "{env}"),
    ("Error", "{error}"),
    ("Observed", "{metric}"),
    ("First seen", "{when_ago}"),
)
_DETAIL_HEADERS = ("Technical details:", "Details:", "Environment details:", "What we know so far:")

_NEG_OPEN = (
    "This is completely unacceptable.",
    "I am beyond frustrated at this point.",
    "We have been fighting this for {hours} hours and we are out of patience.",
    "This is the third time this month we are opening a ticket for the same thing.",
    "Honestly, this is ridiculous.",
    "We need help right now.",
    "I cannot believe we are dealing with this again.",
    "Very disappointed with how this has gone so far.",
    "URGENT - please read this immediately.",
)
_NEG_COMPLAINT = (
    "The documentation says this should just work, and it clearly does not.",
    "We pay for Business support and this is the experience we get?",
    "Nobody has explained why this keeps happening.",
    "The health dashboard shows everything green, which is simply not true.",
    "This is supposed to be a managed service; we should not have to debug it for you.",
    "We followed every recommendation in your own best-practices guide.",
    "We have been charged for a service that failed when it mattered most.",
    "This is the worst support experience we have had with any cloud provider.",
)
_NEG_ASK = (
    "Fix this immediately.",
    "We need an engineer on a call within the hour.",
    "Escalate this now, please.",
    "We expect a full root-cause analysis and a service credit.",
    "If this is not resolved today we will move this workload to another provider.",
    "Please do not send us another documentation link; we need someone who can look at our account.",
    "Call me as soon as you read this.",
    "THIS NEEDS TO BE FIXED TODAY.",
    "We demand immediate resolution and compensation for our losses.",
)
_NEU_OPEN = (
    "Hello,",
    "Hi team,",
    "Hello support,",
    "We would like to report an issue.",
    "Opening a ticket for the behaviour described below.",
    "Reporting a problem observed in our {env} account.",
)
_NEU_ASK = (
    "Please advise on troubleshooting steps to resolve this issue.",
    "Could you help us identify the root cause?",
    "Let us know if you need additional logs.",
    "What would you recommend as next steps?",
    "Please advise.",
    "We would appreciate guidance on how to proceed.",
    "Can you check whether anything changed on your side?",
)
_MIX_PRAISE = (
    "Overall we are happy with {thing}; the service has been reliable for months.",
    "We have generally been pleased with {thing} and the recent improvements.",
    "Most of the time everything works great, and the team likes the service.",
    "First, thanks for a solid service overall.",
    "Running {thing} has been easy so far, and we like the service.",
    "We're generally pleased with {thing}, a reliable part of our stack for a while now.",
)
_MIX_TURN = (
    "However, {symptom}.",
    "That said, since {when} {symptom}.",
    "Unfortunately, {symptom}, which is frustrating.",
    "But we have hit a snag: {symptom}.",
    "The one thing bothering us: {symptom}.",
    "It is a bit puzzling, but {symptom}.",
)
_MIX_AFTER = (
    "To be clear, we are otherwise very happy with {thing}.",
    "Apart from this, the service has been great.",
    "We still like the service a lot, this just needs fixing.",
)
_MIX_CLOSE = (
    "Apart from this, we are very satisfied.",
    "Any guidance would be appreciated, as this is starting to slow the team down.",
    "Hoping this is just a configuration detail on our side.",
    "Thanks in advance, and keep up the good work otherwise.",
    "We would appreciate some help, since this is a core part of our setup.",
    "Could you take a look? It is not critical, but it is annoying.",
)
_POS_OPEN = (
    "First of all, thank you for a great service.",
    "We have been really happy with {thing} since we moved our {app} workload over {when_past}.",
    "Big fans of {thing} here; our life is much easier now.",
    "Everything has been running smoothly for us, so this is just a small question.",
    "The team loves working with {thing}.",
    "We are absolutely thrilled with {thing} so far!",
    "Just wanted to say the service has been excellent for our {app} workload.",
    "We're delighted with the reliability of {thing}.",
)
# Openers without placeholders: per-ticket leaves.
_POS_OPEN_PLAIN = (
    "First of all, thank you for a great service.",
    "Everything has been running smoothly for us, so this is just a small question.",
    "We are really happy with the service so far.",
    "Absolutely loving the service, it has been rock solid for us.",
    "Thank you for the great product, it has made our team much more productive.",
    "We have had a fantastic experience so far and the team is very impressed.",
    "Just a quick note first: the service has been excellent.",
    "We are thrilled with the results we are getting.",
)
_MIX_PRAISE_PLAIN = (
    "Most of the time everything works great, and the team likes the service.",
    "First, thanks for a solid service overall.",
    "We have been a happy customer for a while now.",
    "Generally the service has been reliable for us.",
    "The service has been good to us, and support was helpful last time.",
    "We like the service and have recommended it to other teams.",
)
# Optional background, any tone (plain text: a per-ticket leaf).
_BACKGROUND = (
    "Nothing in our deployment process changed recently.",
    "We deploy everything through infrastructure as code, so the configuration is identical across environments.",
    "This setup has been stable for months.",
    "Only some of our environments are affected; the others look fine.",
    "We have a change freeze this week, so nothing was deployed on our side.",
    "The same configuration works in our other accounts.",
    "This is part of a platform that serves customers around the clock.",
    "We are a small team, so we rely on the managed service to get this right.",
)
_POS_CONTEXT = (
    "We are expanding our {app} workload and want to get the setup right.",
    "As we scale our {env} environment, we want to follow best practices.",
    "We are planning the next phase of our migration to {region}.",
    "Our {app} team is reviewing the setup ahead of a busy season.",
)
_POS_MINOR = (
    "We noticed once that {symptom}, but it resolved on its own.",
    "Not a big deal, but last week we saw that {symptom}, once.",
)
_POS_QUESTION = (
    "Quick question: {question}",
    "One thing we could not find in the docs: {question}",
    "{Question}",
    "Could you advise on the following: {question}",
    "Our question: {question}",
    "We do have a minor query: {question}",
)
_POS_CLOSE = (
    "Thanks again, great work!",
    "No urgency at all.",
    "Keep up the good work.",
    "Any pointers are much appreciated!",
    "Thank you for such an amazing service.",
    "Thanks in advance!",
)
_SIGNOFF = (
    "\n\nThanks,\n{first}",
    "\n\nRegards,\n{full}\n{company}",
    "\n\n-- {first}",
    "\n\nBest,\n{first} ({company})",
    "\n\nCheers,\n{first}",
    "\n\n{full}\n{company}",
)


_LEAF_TABLES.update(
    neg_ask=_NEG_ASK, neu_ask=_NEU_ASK, mix_close=_MIX_CLOSE, pos_close=_POS_CLOSE,
    pos_open=_POS_OPEN_PLAIN, mix_praise=_MIX_PRAISE_PLAIN, background=_BACKGROUND,
)  # fmt: skip
for _name, _pool in _LEAF_TABLES.items():
    assert _pool and not any("{" in t for t in _pool), _name  # table leaves are plain text


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


# --------------------------------------------------------------------------------------------
# Subjects
# --------------------------------------------------------------------------------------------
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

_SUBJ = {
    "NEGATIVE": (
        "URGENT: {t}", "{T} - FIX IMMEDIATELY", "OUTRAGEOUS: {t} - Immediate Action Required", "{t} AGAIN",
        "Still broken: {t}", "UNACCEPTABLE: {t}", "{t} - need help now", "{t}", "{t}!!", "Production impact: {t}",
        "{T}",
    ),
    "NEUTRAL": ("{t}", "{t} in {region}", "Question regarding {label}", "Issue: {t}", "[{env}] {t}", "{t}", "Investigating: {t}"),
    "MIXED": (
        "{t} - minor concern", "Mostly happy, but {t_l}", "{t} - not quite right", "Great service, one issue: {t_l}",
        "{t}", "{t} - expected better",
    ),
    "POSITIVE": (
        "Quick question on {label}", "Great experience so far - small question on {label}",
        "Thank you + a question about {label}", "Amazing service! Question about {label}", "Small query: {label}",
        "Loving it so far - quick {label} question",
    ),
}  # fmt: skip
_SUBJ_PRODUCT = ("{t} ({p})", "{t} - {p}", "{p} - {t}", "{t} on {p}", "{p} {t_l}")
_SUBJ_PRODUCT_NAME = ("{p} {t}", "{p} {t} Issue", "{t} Issue with {p}", "{t} in {p}", "{t} for {p}")
_SUBJ_POS_PRODUCT = (
    "Amazing Experience with {p}!", "Fantastic experience with {p} - quick query", "{p} is great - quick question",
    "Quick question on {p} {label}",
)  # fmt: skip


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


# --------------------------------------------------------------------------------------------
# Priority
# --------------------------------------------------------------------------------------------
_REASON = {
    "HIGH": (
        "Rule-based synthetic assignment: {s} target sentiment together with outage signals ({sig}) maps to HIGH. No model was involved.",
        "Synthetic ticket, priority set by rule rather than by a model: the text was written as {s} and reports {sig}, which the rules treat as a production outage, so HIGH.",
    ),
    "MEDIUM": (
        "Rule-based synthetic assignment: {s} target sentiment with a technical problem ({sig}) and no outage signals maps to MEDIUM. No model was involved.",
        "Synthetic ticket, priority set by rule rather than by a model: a {s} report of a technical issue ({sig}) without production outage signals is MEDIUM.",
    ),
    "NORMAL": (
        "Rule-based synthetic assignment: {s} target sentiment and {sig} make this an informational request, so NORMAL. No model was involved.",
        "Synthetic ticket, priority set by rule rather than by a model: {s} tone, {sig}, no urgency; NORMAL.",
    ),
}


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


# --------------------------------------------------------------------------------------------
# Support responses
# --------------------------------------------------------------------------------------------
_GREETING = ("Hello {full},", "Dear {full},", "Hello {full},")
_ACK_FORMAL = {
    "NEGATIVE": (
        "I understand that the issue with {label} is having a serious impact on your business, and I sincerely apologize for the disruption.",
        "Thank you for contacting us. I am sorry for the impact of this issue with {label}, and I understand the urgency.",
        "I understand your frustration with the {label} problem on {short}. We sincerely apologize for the inconvenience this has caused.",
        "We recognize the urgency of this {short} issue and apologize for the impact on your operations.",
    ),
    "NEUTRAL": (
        "Thank you for the detailed report regarding {label} on {short}.",
        "I understand that you are experiencing an issue with {label} in {short}. We will work through this with you.",
        "Thank you for contacting us about {label} with {short}.",
    ),
    "MIXED": (
        "Thank you for your kind words about {short}, and for letting us know about the issue with {label} you encountered.",
        "We are glad to hear that {short} has worked well for you overall, and we appreciate you reporting this concern about {label}.",
        "Thank you for your feedback. I understand that {short} is mostly meeting your needs, but the issue with {label} needs attention.",
    ),
    "POSITIVE": (
        "Thank you for sharing your positive experience with {product}. We are delighted to hear that it is working well for you.",
        "Thank you for your kind feedback about {product}. We are happy to help with your question about {label}.",
        "Thank you for reaching out, and for your kind words about {product}.",
    ),
}
_ACK_INFORMAL = {
    "NEGATIVE": (
        "We're really sorry about the trouble with {label}, and we're treating this as a priority.",
        "I'm sorry to hear about this! Let's get the {short} problem fixed as quickly as possible.",
    ),
    "NEUTRAL": (
        "Thanks for reaching out! Let's take a look at the {short} problem together.",
        "Thanks for the report. We've reviewed the details and here's what we suggest.",
    ),
    "MIXED": (
        "Thanks for the kind words! We're sorry the issue with {label} is getting in the way.",
        "It's great to hear {short} is mostly working well, and we'd like to sort out the remaining issue.",
    ),
    "POSITIVE": (
        "Thanks so much for the kind words about {short}! We're glad it's working well for you.",
        "It's great to hear that {product} is working well for you!",
    ),
}
_POS_STEPS_HEADER = (
    "Here are some pointers that may help:",
    "A few recommendations:",
    "You may find the following helpful:",
)
_POS_INFO_HEADER = (
    "If you would like us to review your setup, please share:",
    "For tailored recommendations, you can share:",
)
_STEPS_HEADER = (
    "Immediate steps to try:",
    "Please try the following steps:",
    "Recommended next steps:",
    "In the meantime, please review the following:",
)
_INFO_HEADER = (
    "To help us assist you further, please provide:",
    "Please provide:",
    "To investigate further, please share:",
    "To help us resolve this, please provide:",
)
_GENERIC_ASKS = (
    "Any recent changes to your configuration",
    "The AWS region and account ID",
    "The time when the issue started, in UTC",
)
_FOLLOWUP = {
    "HIGH": (
        "Our {short} specialist will contact you within 2-4 hours to resolve this issue.",
        "A specialist from our {short} team has been assigned and will contact you within 2-4 hours.",
    ),
    "MEDIUM": (
        "Our {short} specialist will contact you within 1-2 business days to assist further.",
        "Our {short} specialist will contact you within 1-2 business days to resolve this issue.",
    ),
    "NORMAL": (
        "Our specialist will contact you within 2-3 business days to provide tailored recommendations.",
        "Our {short} specialist will contact you within 2-3 business days with recommendations.",
    ),
}
_FOLLOWUP_INFORMAL = "We'll be in touch within {window}!"
_WINDOW = {"HIGH": "2-4 hours", "MEDIUM": "1-2 business days", "NORMAL": "2-3 business days"}
_CLOSING = ("Best regards,", "Kind regards,", "Sincerely,", "Best regards,")


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
