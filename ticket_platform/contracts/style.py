"""House style of customer responses: professional, so no contractions and no exclamation marks.

Shared by the response generator Lambda (it refuses a draft that breaks the style) and the
batch judge (it grades professional tone by the same rules).
"""

import re

# Contractions, with straight or typographic apostrophes. A bare "'s" is left alone: it is far
# more often a possessive ("the instance's role") than "is".
_APOSTROPHE = "['\u2019]"  # straight or typographic (right single quotation mark)
CONTRACTION = re.compile(
    rf"\b(?:\w+n{_APOSTROPHE}t|\w+{_APOSTROPHE}(?:re|ve|ll|d|m)"
    rf"|(?:it|that|there|here|what|who|where|let|he|she){_APOSTROPHE}s)\b",
    re.IGNORECASE,
)

# "!" except in the "!=" operator of a query or command quoted in a step.
EXCLAMATION = re.compile(r"!(?!=)")


def style_problems(text: str) -> list[str]:
    """Why ``text`` breaks the house style (empty when it does not)."""
    problems = []
    if EXCLAMATION.search(text):
        problems.append("exclamation mark")
    contractions = sorted({m.group(0) for m in CONTRACTION.finditer(text)})
    if contractions:
        problems.append("contraction(s): " + ", ".join(contractions))
    return problems
