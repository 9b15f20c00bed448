"""The seed system's product catalog, with the vocabulary that makes synthetic tickets read real.

57 products and 81 issue types, exactly those of the seed system, kept as data in
``vocabulary/products/*.json`` (one file per product family, read in file-name order) and loaded
once. Every product carries:

* ``short`` — the name support staff and customers use ("EC2", "Route 53").
* ``named`` — noun phrases that *name* the product ("our EC2 instances", "Amazon EC2").
* ``nouns`` — noun phrases that refer to it *without* naming it ("the instance", "our web servers").
  The text composer picks from ``named`` only for a minority of tickets, so a routing model cannot
  learn the label from a fixed phrase.
* ``vocab`` — service vocabulary customers drop into their descriptions.
* ``resources`` — resource-id templates (``i-{h17}``, ``{app}-{env}-db``), filled per ticket.
* ``weight`` — relative ticket volume.

Every issue type carries subject ``topics`` (paraphrases of the issue), ``symptoms`` (clauses, lower
case, no final period), literal ``errors``, ``metrics`` clauses, things customers already ``tried``
(regular past-tense verb phrases, so they read after both "we" and "we have"), ``questions`` a happy
customer asks, and for the support reply the troubleshooting ``steps`` and information ``asks``.
Steps and asks are formal: no contractions, no apostrophes, no exclamation marks.

Strings may contain ``{slot}`` placeholders filled per ticket; see ``slots.SLOT_NAMES``. The
sentence pools and templates the text composers draw from are data too (``vocabulary/*.json``,
read by ``phrases``), as are the customer pools (``vocabulary/people.json``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

VOCABULARY = files("ticket_platform_demo.synthetic") / "vocabulary"


@dataclass(frozen=True, slots=True)
class IssueType:
    name: str
    topics: tuple[str, ...]
    symptoms: tuple[str, ...]
    errors: tuple[str, ...]
    metrics: tuple[str, ...]
    tried: tuple[str, ...]
    questions: tuple[str, ...]
    steps: tuple[str, ...]
    asks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    short: str
    named: tuple[str, ...]
    nouns: tuple[str, ...]
    vocab: tuple[str, ...]
    resources: tuple[str, ...]
    issues: tuple[IssueType, ...]
    weight: float = 1.0  # relative ticket volume


def _issue(row: dict) -> IssueType:
    return IssueType(
        row["name"],
        *(tuple(row[field]) for field in IssueType.__dataclass_fields__ if field != "name"),
    )


def _product(row: dict) -> Product:
    return Product(
        name=row["name"],
        short=row["short"],
        named=tuple(row["named"]),
        nouns=tuple(row["nouns"]),
        vocab=tuple(row["vocab"]),
        resources=tuple(row["resources"]),
        issues=tuple(_issue(issue) for issue in row["issues"]),
        weight=float(row["weight"]),
    )


@cache
def load_products() -> tuple[Product, ...]:
    """Every product of ``vocabulary/products/``, in file order then in the order of each file."""
    paths = sorted(
        (p for p in (VOCABULARY / "products").iterdir() if p.name.endswith(".json")),
        key=lambda p: p.name,
    )
    return tuple(
        _product(row) for path in paths for row in json.loads(path.read_text(encoding="utf-8"))
    )


PRODUCTS: tuple[Product, ...] = load_products()


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


@cache
def phrases(name: str) -> Any:
    """The phrase file ``vocabulary/<name>.json`` (the sentence pools and templates of the text
    composers), its lists as tuples."""
    return _frozen(json.loads((VOCABULARY / f"{name}.json").read_text(encoding="utf-8")))
