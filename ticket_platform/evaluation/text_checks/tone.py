"""Professional tone: contractions, exclamation marks, emojis, slang, and polite markers."""

import re

from ticket_platform.contracts.style import CONTRACTION, EXCLAMATION
from ticket_platform.evaluation.text_checks.prose import _I, _unique, prose

# Emoji blocks (pictographs, emoticons, transport, symbols, flags, dingbats, stars) and a few text
# emoticons. Text emoticons need a non-word character before them: "example:)" is not one.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55]\ufe0f?"
    r"|(?<![\w:])[:;]-?[)(D](?!\w)"
)
# Informal words, kept short to stay clear of technical text: "cool" is not slang in "cool-down",
# and "FYI", "Hi" and "Thanks" are left alone (common in formal business writing).
_SLANG_WORDS = (
    "gonna", "wanna", "gotta", "kinda", "sorta", "lemme", "dunno", "btw", "lol", "omg", "tbh",
    "imo", "idk", "thx", "pls", "plz", "asap", "awesome", "hey", "cheers", "yeah", "yep", "yup",
    "nope", "dude", "you guys", "no worries", "sit tight", "hang tight", "heads-up", "heads up",
    "oops", "whoops", "yay", "woohoo", "cool(?![- ]?down)",
)  # fmt: skip
_SLANG = re.compile(rf"\b(?:{'|'.join(_SLANG_WORDS)})\b", _I)
_POLITE = {
    "greeting": re.compile(
        r"\A\s*(?:hello|hi|dear|good (?:morning|afternoon|evening)|greetings)\b", _I
    ),
    "please": re.compile(r"\bplease\b", _I),
    "thank you": re.compile(r"\bthank(?:s| you)\b|\bappreciate\b", _I),
    "sign-off": re.compile(
        r"^\s*(?:(?:best|kind|warm|warmest)\s+regards|regards|sincerely|respectfully|"
        r"yours (?:truly|sincerely|faithfully)|(?:thank you|thanks) for choosing\b)",
        re.IGNORECASE | re.MULTILINE,
    ),
}


def contractions(text: str) -> list[str]:
    """Contractions in the prose of ``text`` (straight or typographic apostrophe), in order.

    The pattern is the response generator's house style: a bare possessive "'s" is not counted,
    but it's, that's, let's, there's... are.
    """
    return _unique(m.group(0) for m in CONTRACTION.finditer(prose(text)))


def exclamation_marks(text: str) -> int:
    """The number of exclamation marks in the prose of ``text`` (``!=`` is an operator)."""
    return len(EXCLAMATION.findall(prose(text)))


def emojis(text: str) -> list[str]:
    """Emojis and text emoticons in the prose of ``text``."""
    return _unique(m.group(0) for m in _EMOJI.finditer(prose(text)))


def slang(text: str) -> list[str]:
    """Slang and informal words in the prose of ``text`` (see ``_SLANG_WORDS``)."""
    return _unique(m.group(0) for m in _SLANG.finditer(prose(text)))


def polite_markers(text: str) -> list[str]:
    """Which of greeting, please, thank you and sign-off ``text`` contains."""
    return [name for name, pattern in _POLITE.items() if pattern.search(text)]


def tone_problems(text: str) -> list[str]:
    """Every violation of the no-contraction / slang / emoji / exclamation rule, one per item."""
    problems = [f"contraction: {word}" for word in contractions(text)]
    if count := exclamation_marks(text):
        problems.append("exclamation mark" if count == 1 else f"exclamation marks: {count}")
    problems += [f"emoji: {emoji}" for emoji in emojis(text)]
    problems += [f"slang: {word}" for word in slang(text)]
    return problems
