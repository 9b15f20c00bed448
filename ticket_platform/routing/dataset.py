"""Labelled examples for the routing model: ticket text in, owning team out.

A ticket's label is the team that owns its product (``teams.py``), unless an analyst has
corrected it: the latest correction of a ticket overrides the product-derived team. The text is
the subject and the description, what a customer writes before anyone has routed the ticket (the
drafted response is left out: it is written after routing and names the product).

The reference set is the seed system's 100 real tickets, whose product gives the true team. Its
tickets are never trained on, even when they were loaded into the warehouse.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from ticket_platform.routing.teams import team_of

REFERENCE_TICKETS = Path(__file__).parents[1] / "evaluation" / "reference" / "seed_nova_pro.jsonl"
PRODUCT_NAMES = Path(__file__).parent / "vocabulary" / "product_names.json"


class TrainingDataError(ValueError):
    """Too few labelled tickets, or too few teams, to train and evaluate a model."""


@dataclass(frozen=True, slots=True)
class Example:
    ticket_id: str
    submitted_at: datetime | None
    text: str
    team: str
    label_source: str  # product | correction


@dataclass(frozen=True, slots=True)
class Correction:
    ticket_id: str
    correct_team: str
    corrected_by: str
    corrected_at: datetime
    loaded_at: datetime | None = None


def routing_text(subject: str | None, description: str | None) -> str:
    """What the model reads of a ticket: its subject, a newline, its description."""
    return f"{subject or ''}\n{description or ''}".strip()


def latest_corrections(corrections: Iterable[Correction]) -> dict[str, Correction]:
    """ticket_id -> its latest correction (by ``corrected_at``, then by load time)."""
    latest: dict[str, Correction] = {}
    for c in corrections:
        held = latest.get(c.ticket_id)
        order = (c.corrected_at, c.loaded_at or datetime.min)
        if held is None or order > (held.corrected_at, held.loaded_at or datetime.min):
            latest[c.ticket_id] = c
    return latest


def label_tickets(
    tickets: Iterable[Mapping], corrections: Mapping[str, Correction], exclude: Iterable[str] = ()
) -> list[Example]:
    """Examples from ticket rows (ticket_id, submitted_at, subject, description, product).

    A ticket with neither a product nor a correction has no label and is left out; so are the
    ``exclude`` ids (the reference set) and tickets without any text.
    """
    excluded = set(exclude)
    examples = []
    for row in tickets:
        ticket_id = row["ticket_id"]
        if ticket_id in excluded:
            continue
        text = routing_text(row.get("subject"), row.get("description"))
        correction = corrections.get(ticket_id)
        if correction is not None:
            team, source = correction.correct_team, "correction"
        elif row.get("product"):
            team, source = team_of(row["product"]), "product"
        else:
            continue
        if text:
            examples.append(Example(ticket_id, row.get("submitted_at"), text, team, source))
    return examples


def training_fingerprint(examples: Iterable[Example], *settings: object) -> str:
    """A digest of what a model would learn from: every ticket's id, text, label and time, and
    the training settings. Equal digests: retraining would only reproduce the same model."""
    digest = hashlib.sha256(repr(settings).encode())
    for e in sorted(examples, key=lambda e: e.ticket_id):
        digest.update(f"{e.ticket_id}\0{e.team}\0{e.submitted_at}\0{e.text}\n".encode())
    return digest.hexdigest()[:16]


def time_split(
    examples: Sequence[Example], holdout_share: float
) -> tuple[list[Example], list[Example]]:
    """(train, holdout): the newest ``holdout_share`` of tickets by ``submitted_at`` are held out.

    Tickets submitted at the same instant as the first held-out one are held out too, so every
    training ticket is older than every held-out ticket. Too few tickets or submission times
    leave the training side empty (``check_trainable`` says so); nothing here raises.
    """
    ordered = sorted(examples, key=lambda e: (e.submitted_at or datetime.min, e.ticket_id))
    if not ordered:
        return [], []
    cut = len(ordered) - max(1, round(len(ordered) * holdout_share))
    boundary = ordered[cut].submitted_at
    while cut > 0 and ordered[cut - 1].submitted_at == boundary:
        cut -= 1
    return ordered[:cut], ordered[cut:]


def check_trainable(train: Sequence[Example], holdout: Sequence[Example], minimum: int) -> None:
    """Raises ``TrainingDataError`` saying why a time split cannot train and score a router."""
    if len(train) + len(holdout) < minimum:
        raise TrainingDataError(
            f"training needs at least {minimum} labelled tickets submitted at two or more "
            "different times (load more, e.g. ticket-platform generate, then run)"
        )
    if not train or not holdout:
        raise TrainingDataError(
            "the time split left nothing older than the held-out tickets to train on: they "
            "were all submitted at one instant"
        )
    teams = {e.team for e in train}
    if len(teams) < 2:
        raise TrainingDataError(
            f"the training tickets belong to {len(teams)} team(s); a router needs at least 2"
        )


@cache
def reference_examples(path: Path = REFERENCE_TICKETS) -> tuple[Example, ...]:
    """The seed system's real tickets, labelled by their product's team."""
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            text = routing_text(row.get("subject"), row.get("description"))
            examples.append(
                Example(row["ticket_id"], None, text, team_of(row["product"]), "product")
            )
    return tuple(examples)


@cache
def product_vocabulary(path: Path = PRODUCT_NAMES) -> tuple[tuple[str, str], ...]:
    """``(name, short name)`` of every product of the catalog: the router's own data file, derived
    from the demo catalog by ``python -m ticket_platform_demo.synthetic.export_vocabularies``."""
    return tuple(
        (row["name"], row["short"]) for row in json.loads(path.read_text(encoding="utf-8"))
    )


@cache
def _product_name_pattern() -> re.Pattern[str]:
    from ticket_platform.routing.teams import product_teams

    catalog = product_vocabulary()
    names: set[str] = set()
    for product in (*product_teams(), *(name for name, _ in catalog)):
        names |= {product, re.sub(r"^(Amazon|AWS)\s+", "", product)}
    names |= {short for _, short in catalog}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def mask_product_names(text: str) -> str:
    """The text with every product name ("Amazon EC2", "EC2", "CodeBuild") replaced by
    ``[product]``: a stricter test that the model reads the service vocabulary, not the name."""
    return _product_name_pattern().sub("[product]", text)
