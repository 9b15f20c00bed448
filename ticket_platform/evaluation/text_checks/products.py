"""The product a ticket is about: its names, its service vocabulary, the judge's view of the catalog.

The vocabulary is the judge's own data file, ``ticket_platform/evaluation/vocabulary/products.json``
(per product: name, short name, phrases that name it, service vocabulary), derived from the demo
catalog by ``python -m ticket_platform_demo.synthetic.export_vocabularies``; a test keeps the two
equal.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from ticket_platform.evaluation.text_checks.prose import _I, _unique

VOCABULARY = files("ticket_platform.evaluation") / "vocabulary" / "products.json"


@dataclass(frozen=True, slots=True)
class ProductVocabulary:
    """What the judge knows of one product of the catalog."""

    name: str
    short: str  # "EC2", "Route 53"
    named: tuple[str, ...]  # phrases that name it: "our EC2 instances"
    vocab: tuple[str, ...]  # its service vocabulary: "security group"


@cache
def catalog() -> tuple[ProductVocabulary, ...]:
    """Every product of the judge's vocabulary file, in its order."""
    rows = json.loads(VOCABULARY.read_text(encoding="utf-8"))
    return tuple(
        ProductVocabulary(row["name"], row["short"], tuple(row["named"]), tuple(row["vocab"]))
        for row in rows
    )


_AWS_PREFIX = re.compile(r"^(?:Amazon|AWS)\s+")
# Names that read as generic without their prefix ("the MQ console" is not what AWS calls it).
_KEEP_PREFIX = frozenset({"MQ", "Backup", "Batch", "Config"})


def short_product(product: str) -> str:
    """``Amazon EC2`` -> ``EC2``; names without an AWS prefix, or generic without it, are kept."""
    short = _AWS_PREFIX.sub("", product.strip())
    return product.strip() if not short or short in _KEEP_PREFIX else short


# Single everyday words in the catalog vocabulary do not make a step specific.
_GENERIC_VOCAB = frozenset((
    "step", "layer", "target", "action", "agent", "connection", "source", "destination",
    "schedule", "visual", "analysis", "forms", "tables", "label", "grant", "alias", "trail",
    "chart", "origin", "activity", "evaluation", "confidence", "endpoint", "queue", "broker",
    "subscription", "throughput", "embedding", "streams", "annotations", "widget",
))  # fmt: skip


def _term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for ``terms``: all-caps terms case-sensitive ("LAG" is not "replica lag")."""
    parts = []
    for term in sorted(set(terms), key=len, reverse=True):
        escaped = re.escape(term).replace(r"\ ", r"\s+")
        escaped = escaped[:-1] + "(?:y|ies)" if term.endswith("y") else escaped + "(?:s|es)?"
        parts.append(escaped if term.isupper() else f"(?i:{escaped})")
    return re.compile(rf"(?<![\w-])(?:{'|'.join(parts)})(?![\w-])") if parts else None


def _specific_vocab(vocab: Iterable[str]) -> list[str]:
    return [term for term in vocab if term.lower() not in _GENERIC_VOCAB]


@cache
def product_words() -> frozenset[str]:
    """Every word of a product's name or short name ("EC2", "Route", "53")."""
    return frozenset(
        w
        for p in catalog()
        for name in (p.name, p.short)
        for w in re.findall(r"[A-Za-z0-9]+", name)
    )


@cache
def _by_name() -> dict[str, ProductVocabulary]:
    return {p.name.lower(): p for p in catalog()}


_DETERMINER = re.compile(r"^(?:our|the|an?|your)\s+", _I)
_GENERIC_SHORT = frozenset({"mq", "backup", "batch", "config"})  # too generic alone


def catalog_product(product: str) -> ProductVocabulary | None:
    """The vocabulary entry of ``product`` (by full name, case-insensitive)."""
    return _by_name().get(product.strip().lower())


@cache
def product_names(product: str) -> tuple[str, ...]:
    """Names that name ``product``: full, short (``EC2``) and the catalog's proper names."""
    names = [product.strip(), short_product(product)]
    if entry := catalog_product(product):
        names += [entry.short, *(_DETERMINER.sub("", n) for n in entry.named)]
    return tuple(n for n in _unique(names) if n and n.lower() not in _GENERIC_SHORT)


def product_mention(text: str, product: str) -> str | None:
    """The first name of ``product`` found in ``text`` (case-insensitive word match), or None."""
    for name in product_names(product):
        escaped = re.escape(name).replace(r"\ ", r"\s+")
        if re.search(rf"(?<!\w){escaped}(?!\w)", text, _I):
            return name
    return None


@cache
def _vocab_pattern(product: str) -> re.Pattern[str] | None:
    entry = catalog_product(product)
    return _term_pattern(_specific_vocab(entry.vocab)) if entry else None


def service_terms(text: str, product: str) -> list[str]:
    """Terms of the product's catalog vocabulary found in ``text``."""
    pattern = _vocab_pattern(product)
    found = _unique(m.group(0) for m in pattern.finditer(text)) if pattern else []
    return [term for term in found if term[:-1] not in found]  # not both "pattern", "patterns"
