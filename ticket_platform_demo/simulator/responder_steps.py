"""The template responder's library of troubleshooting steps, one family of products at a time.

Data: ``vocabulary/step_library.json``, a list of families, each with its ``name``, a ``match``
pattern on the product name (case-insensitive), its ``steps`` (console, logs, metrics, CLI;
``{product}`` is the short product name) and what to ``asks`` the customer to send back. The last
entry is the ``general`` family, used when no other matches.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

STEP_LIBRARY = files("ticket_platform_demo.simulator") / "vocabulary" / "step_library.json"


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    match: re.Pattern[str]  # on the product name
    steps: tuple[str, ...]  # console, logs, metrics, CLI; "{product}" is the short product name
    asks: str


def _family(name: str, match: str, steps: tuple[str, ...], asks: str) -> Family:
    return Family(name, re.compile(match, re.IGNORECASE), steps, asks)


@cache
def load_families() -> tuple[Family, ...]:
    """Every family of the step library, in file order (``general`` last)."""
    rows = json.loads(STEP_LIBRARY.read_text(encoding="utf-8"))
    return tuple(_family(r["name"], r["match"], tuple(r["steps"]), r["asks"]) for r in rows)


*_SPECIFIC, GENERAL = load_families()
FAMILIES: tuple[Family, ...] = tuple(_SPECIFIC)
if GENERAL.name != "general":
    raise ValueError(f"{STEP_LIBRARY} must end with the general family, not {GENERAL.name!r}")


def family_of(product: str) -> Family:
    """The step library of a product (``GENERAL`` when no family matches)."""
    return next((family for family in FAMILIES if family.match.search(product)), GENERAL)
