"""What every text check shares: code spans left out of prose, a case-insensitive de-duplication."""

import re
from collections.abc import Iterable

_I = re.IGNORECASE
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
CODE_SPAN = "CODE_SPAN"  # what ``prose`` leaves of a code span


def prose(text: str) -> str:
    """``text`` with code spans and code blocks replaced by ``CODE_SPAN``."""
    return _CODE.sub(f" {CODE_SPAN} ", text)


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return list(seen.values())
