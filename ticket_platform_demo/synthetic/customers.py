"""Customers: a per-seed universe of people with a skewed ticket rate (a few large companies, a
long tail), drawn from the name and company pools of ``people``."""

from __future__ import annotations

from .ids import _splitmix64
from .people import COMPANIES, EMAIL_FORMATS, FIRST_NAMES, LAST_NAMES, slug

CUSTOMER_UNIVERSE = 20_000
_COMPANY_EMAIL_FORMAT = tuple(
    EMAIL_FORMATS[_splitmix64(i) % len(EMAIL_FORMATS)] for i in range(len(COMPANIES))
)
_FIRST_SLUGS = tuple(slug(n) for n in FIRST_NAMES)
_LAST_SLUGS = tuple(slug(n) for n in LAST_NAMES)


def _customer(number: int, salt: int) -> tuple[str, str, str, str, str, str]:
    """``(first, last, full, email, company, domain)`` of customer ``number`` in a seed's universe."""
    h = _splitmix64(number ^ salt)
    fi = h % len(FIRST_NAMES)
    li = (h >> 12) % len(LAST_NAMES)
    u = ((h >> 32) & 0xFFFFFF) / 0x1000000
    ci = int(len(COMPANIES) * u**1.5)  # a few large customers, a long tail
    company, domain = COMPANIES[ci]
    f, lst = _FIRST_SLUGS[fi], _LAST_SLUGS[li]
    local = _COMPANY_EMAIL_FORMAT[ci].format(f=f, l=lst, fi=f[0], li=lst[0])
    first, last = FIRST_NAMES[fi], LAST_NAMES[li]
    return first, last, f"{first} {last}", f"{local}@{domain}", company, domain
