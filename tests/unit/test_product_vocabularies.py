"""The judge's and the router's vocabularies are what the demo catalog derives, byte for byte.

The product keeps its own copies (it never imports the demo); this test stops them drifting. After
changing the catalog, run ``python -m ticket_platform_demo.synthetic.export_vocabularies``.
"""

import pytest

from ticket_platform.evaluation.text_checks.products import catalog
from ticket_platform.routing.dataset import product_vocabulary
from ticket_platform_demo.synthetic import PRODUCTS
from ticket_platform_demo.synthetic.export_vocabularies import targets


@pytest.mark.parametrize("path", list(targets()), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_the_product_vocabulary_files_equal_what_the_catalog_derives(path):
    assert path.read_text(encoding="utf-8") == targets()[path], (
        "run python -m ticket_platform_demo.synthetic.export_vocabularies"
    )


def test_the_judge_reads_every_product_with_its_names_and_vocabulary():
    assert [(p.name, p.short, p.named, p.vocab) for p in catalog()] == [
        (p.name, p.short, p.named, p.vocab) for p in PRODUCTS
    ]


def test_the_router_reads_every_product_with_its_short_name():
    assert product_vocabulary() == tuple((p.name, p.short) for p in PRODUCTS)
