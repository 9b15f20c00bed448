"""Product ownership: which support team owns each product.

The one source is the dbt seed ``dbt_project/seeds/product_teams.csv``: analysts see it in the
warehouse (``reference.product_teams``), the simulator assigns tickets by it, the routing model
learns it.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from ticket_platform.settings import PROJECT_ROOT

PRODUCT_TEAMS_CSV = PROJECT_ROOT / "dbt_project" / "seeds" / "product_teams.csv"
UNOWNED_TEAM = "general support"


@cache
def product_teams(path: Path = PRODUCT_TEAMS_CSV) -> dict[str, str]:
    """``{product: team}`` from the seed file; a product listed twice is an error."""
    teams: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            product, team = row["product"].strip(), row["team"].strip()
            if product in teams:
                raise ValueError(f"{path}:{line}: product {product!r} is listed twice")
            teams[product] = team
    return teams


def known_teams() -> set[str]:
    """Every configured team, ``general support`` included: what a correction may name."""
    return {*product_teams().values(), UNOWNED_TEAM}


def team_of(product: str) -> str:
    """The owning team, or ``general support`` for a product nobody owns yet."""
    return product_teams().get(product, UNOWNED_TEAM)
