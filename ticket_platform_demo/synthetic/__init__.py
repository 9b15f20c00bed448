"""Synthetic support tickets shaped like the seed system's processed tickets.

>>> from datetime import date
>>> from ticket_platform_demo.synthetic import generate_tickets
>>> first = next(generate_tickets(1, seed=7, start=date(2025, 8, 1), end=date(2025, 8, 31)))
>>> first["record_source"], first["schema_version"]
('synthetic', 2)
"""

from .catalog import PRODUCTS, IssueType, Product
from .generator import SENTIMENT_MIX, generate_tickets
from .ids import ticket_index, ticket_suffix

__all__ = [
    "PRODUCTS",
    "SENTIMENT_MIX",
    "IssueType",
    "Product",
    "generate_tickets",
    "ticket_index",
    "ticket_suffix",
]
