"""Name and company pools for synthetic customers (no Faker dependency).

The pools are data, ``vocabulary/people.json``: first and last names, companies with their email
domain, and the email local-part formats (each company uses one, as real companies do).
"""

from __future__ import annotations

import unicodedata

from .catalog import phrases

_PEOPLE = phrases("people")
FIRST_NAMES: tuple[str, ...] = _PEOPLE["first_names"]
LAST_NAMES: tuple[str, ...] = _PEOPLE["last_names"]
# (company name, email domain)
COMPANIES: tuple[tuple[str, str], ...] = tuple(
    (row["name"], row["domain"]) for row in _PEOPLE["companies"]
)
# Email local-part formats: {f} first name, {l} last name, {fi} / {li} their initials.
EMAIL_FORMATS: tuple[str, ...] = _PEOPLE["email_formats"]


def slug(name: str) -> str:
    """ASCII, lower case, letters and digits only: ``"O'Brien"`` -> ``"obrien"``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in ascii_name.lower() if c.isalnum())
