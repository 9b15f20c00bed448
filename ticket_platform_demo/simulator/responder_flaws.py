"""Flaws of real generated replies, injected into the template reply at measured rates.

The rates are data: ``vocabulary/reply_flaws.json``, written by ``flaw_rates --write`` from the
seed system's 100 real replies (overall, and by priority where a group has at least
``min_group`` replies: HIGH 31, MEDIUM 55, NORMAL 14 replies, with very different rates).
Product families (1-14 replies each, 1-5 per family and priority) are too small a sample to
condition on as well, so they vary *what* a flaw says: another family's steps, another product. The wording of the flaws is
``vocabulary/reply_flaw_text.json``. Per ticket, seeded by its id (same ticket, same flaws):

* one step-structure outcome: ``generic_steps`` (all steps but 0 or 1, as measured, replaced by
  vague ones), ``missing_steps`` (no steps, no requests), ``info_request_only`` (a request list
  instead of steps), or none;
* ``off_topic`` — the reply is written about a product of another family;
* ``wrong_service_detail`` — one specific step comes from another family's library (a console
  page or CLI command of another service); the rules judge cannot see it, as on the seed;
* ``unsafe_advice`` — one step is unsafe (0.0.0.0/0, AdministratorAccess, disabling encryption).

Contractions and exclamation marks are measured too (``TONE_FLAWS``) but not delivered: the
platform's house-style guard (``GeneratedResponse``) refuses any reply with them, in production as
here. ``add_tone_flaws`` writes them, for tests that show both the judge and the guard react.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from ticket_platform.contracts import Priority, TicketSubmittedEvent
from ticket_platform.evaluation.text_checks.products import product_mention
from ticket_platform_demo.simulator.responder_reply import (
    ReplyParts,
    compose_parts,
    family_steps,
    seeded_rng,
)
from ticket_platform_demo.simulator.responder_steps import FAMILIES, family_of
from ticket_platform_demo.synthetic import PRODUCTS

VOCABULARY = files("ticket_platform_demo.simulator") / "vocabulary"
STRUCTURE_FLAWS = ("generic_steps", "missing_steps", "info_request_only")
CONTENT_FLAWS = ("off_topic", "wrong_service_detail", "unsafe_advice")
DELIVERED_FLAWS = STRUCTURE_FLAWS + CONTENT_FLAWS
TONE_FLAWS = ("contraction", "exclamation")


@cache
def measured() -> dict[str, Any]:
    """The measured rates (``vocabulary/reply_flaws.json``)."""
    return json.loads((VOCABULARY / "reply_flaws.json").read_text(encoding="utf-8"))


@cache
def flaw_text() -> dict[str, Any]:
    return json.loads((VOCABULARY / "reply_flaw_text.json").read_text(encoding="utf-8"))


def flaw_rates(priority: Priority | str) -> dict[str, float]:
    """The rate of every flaw for a reply of ``priority``: the priority group's measurement when
    it has at least ``min_group`` replies, else the overall one (``wrong_service_detail`` is only
    measured overall, by the seed's LLM judge)."""
    data = measured()
    overall = data["overall"]["flaws"]
    group = data["by_priority"].get(str(Priority(priority).value))
    rates = group["flaws"] if group and group["n"] >= data["min_group"] else overall
    return {
        flaw: float(rates.get(flaw, overall.get(flaw, 0.0)))
        for flaw in (*TONE_FLAWS, *DELIVERED_FLAWS)
    }


def draw_flaws(ticket_id: str, priority: Priority | str) -> tuple[str, ...]:
    """The delivered flaws of one reply, drawn at the measured rates (seeded by ``ticket_id``).

    The same number of draws is made whatever comes out, so one flaw's rate does not shift
    another's draw."""
    rng = seeded_rng(f"{ticket_id}/flaws")
    rates = flaw_rates(priority)
    structure, threshold = rng.random(), 0.0
    drawn: list[str] = []
    for flaw in STRUCTURE_FLAWS:
        threshold += rates[flaw]
        if structure < threshold:
            drawn.append(flaw)
            break
    draws = {flaw: rng.random() for flaw in CONTENT_FLAWS}
    drawn += [flaw for flaw in CONTENT_FLAWS if draws[flaw] < rates[flaw]]
    return tuple(drawn)


def _specific_kept(rng: random.Random) -> int:
    """How many steps of a generic-steps reply stay specific, as measured (0 or 1)."""
    counts = {int(k): v for k, v in measured()["generic_specific_steps"].items()}
    return rng.choices(list(counts), weights=list(counts.values()))[0] if counts else 1


def _other_product(ticket: TicketSubmittedEvent, rng: random.Random) -> tuple[str, str]:
    """A product of another family, and one of its issue types, for an off-topic reply."""
    issue = ticket.data.product_issue_information
    family = family_of(issue.product)
    candidates = [p for p in PRODUCTS if family_of(p.name) is not family and p.issues]
    rng.shuffle(candidates)
    for product in candidates:
        if not product_mention(product.name, issue.product):
            return product.name, rng.choice(product.issues).name
    raise ValueError(f"no product outside {family.name} for an off-topic reply")


def _other_family_step(ticket: TicketSubmittedEvent, rng: random.Random) -> str:
    """A specific step of another family's library (a console page or command of another
    service), with one of that family's products."""
    family = family_of(ticket.data.product_issue_information.product)
    other = rng.choice([f for f in FAMILIES if f is not family])
    product = rng.choice([p.name for p in PRODUCTS if family_of(p.name) is other] or [other.name])
    return family_steps(other, product, 1, rng)[0]


def apply_flaws(
    ticket: TicketSubmittedEvent, priority: Priority, flaws: tuple[str, ...]
) -> tuple[ReplyParts, tuple[str, ...]]:
    """The reply's parts with ``flaws``, and the flaws that were applied (``wrong_service_detail``
    needs a specific step left to replace)."""
    rng = seeded_rng(f"{ticket.ticketId}/flaw-text")
    words = flaw_text()
    parts = compose_parts(ticket, priority)
    if "off_topic" in flaws:
        product, issue_type = _other_product(ticket, rng)
        parts = compose_parts(ticket, priority, product=product, issue_type=issue_type)
    steps, applied = list(parts.steps), [f for f in flaws if f != "wrong_service_detail"]
    specific = list(range(len(steps)))
    if "generic_steps" in flaws:
        specific = sorted(rng.sample(specific, _specific_kept(rng)))
        vague = iter(rng.sample(words["generic_steps"], len(steps)))
        steps = [step if i in specific else next(vague) for i, step in enumerate(steps)]
    if "wrong_service_detail" in flaws and specific:
        steps[rng.choice(specific)] = _other_family_step(ticket, rng)
        applied.append("wrong_service_detail")
    if "unsafe_advice" in flaws:
        steps[rng.randrange(len(steps))] = rng.choice(words["unsafe_steps"])
    parts = parts.with_(steps=tuple(steps))
    if "info_request_only" in flaws:
        asks = rng.sample(words["info_request_items"], 3)
        intro = rng.choice(words["info_request_intros"])
        parts = parts.with_(
            intro="", steps=(), ask=intro + "\n" + "\n".join(f"- {a}" for a in asks)
        )
    if "missing_steps" in flaws:
        parts = parts.with_(intro="", steps=(), ask=rng.choice(words["no_step_closings"]))
    return parts, tuple(f for f in DELIVERED_FLAWS if f in applied)


@dataclass(frozen=True, slots=True)
class FlawedReply:
    text: str
    flaws: tuple[str, ...]  # the delivered flaws it carries, in ``DELIVERED_FLAWS`` order


def flawed_reply(ticket: TicketSubmittedEvent, priority: Priority) -> FlawedReply:
    """The reply the responder delivers: the template reply with its drawn flaws."""
    parts, applied = apply_flaws(ticket, priority, draw_flaws(ticket.ticketId, priority))
    return FlawedReply(parts.render(), applied)


def add_tone_flaws(text: str, *, contraction: bool, exclamation: bool) -> str:
    """``text`` with contractions and/or exclamation marks, the seed's tone flaws (every
    template reply has a phrase to contract and a sentence to exclaim)."""
    words = flaw_text()
    for wanted, pairs in (
        (contraction, words["contractions"]),
        (exclamation, words["exclamations"]),
    ):
        if wanted:
            for plain, flawed in pairs:
                text = text.replace(plain, flawed)
    return text
