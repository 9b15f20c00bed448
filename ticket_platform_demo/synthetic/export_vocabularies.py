"""Write the product's own vocabularies, derived from the demo catalog.

The product never imports the demo, so the rules judge and the router keep, as data files of their
own packages, the part of the catalog they read:

* ``ticket_platform/evaluation/vocabulary/products.json`` — per product its name, short name,
  the phrases that name it and its service vocabulary (what makes a step specific, what counts as
  the product being named);
* ``ticket_platform/routing/vocabulary/product_names.json`` — per product its name and short
  name (what ``mask_product_names`` hides).

Run ``python -m ticket_platform_demo.synthetic.export_vocabularies`` after changing the catalog;
``tests/unit/test_vocabularies.py`` fails while the files differ from what this derives.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

from ticket_platform_demo.synthetic.catalog import PRODUCTS, Product


def judge_vocabulary(products: Iterable[Product] = PRODUCTS) -> list[dict]:
    """What the rules judge reads of each product."""
    return [
        {"name": p.name, "short": p.short, "named": list(p.named), "vocab": list(p.vocab)}
        for p in products
    ]


def router_vocabulary(products: Iterable[Product] = PRODUCTS) -> list[dict]:
    """What the router reads of each product."""
    return [{"name": p.name, "short": p.short} for p in products]


def render(rows: list[dict]) -> str:
    """The file text: JSON, two-space indent, non-ASCII kept, final newline."""
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def targets() -> dict[Path, str]:
    """``{path: text}`` of every vocabulary file of the product."""
    evaluation = Path(str(files("ticket_platform.evaluation"))) / "vocabulary"
    routing = Path(str(files("ticket_platform.routing"))) / "vocabulary"
    return {
        evaluation / "products.json": render(judge_vocabulary()),
        routing / "product_names.json": render(router_vocabulary()),
    }


def main() -> None:
    for path, text in targets().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        changed = not path.exists() or path.read_text(encoding="utf-8") != text
        if changed:
            path.write_text(text, encoding="utf-8")
        print(f"{'wrote' if changed else 'unchanged'} {path}")


if __name__ == "__main__":
    main()
