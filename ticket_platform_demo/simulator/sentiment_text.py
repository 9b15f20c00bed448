"""The text the offline sentiment analyser reads: what the AWS pipeline sends to Comprehend, and
its clean-up into sentences (greetings, the sign-off block and quoted machine output dropped)."""

from __future__ import annotations

import re

from lambdas.trigger_sfn.execution import truncate_utf8


def comprehend_text(subject: str, description: str) -> str:
    """The text the AWS pipeline sends to Comprehend: subject, blank line, description, 5,000 B."""
    return truncate_utf8(f"{subject}\n\n{description}")


_SIGNOFF = re.compile(
    r"^(?:thanks|thank\s+you|many\s+thanks|regards|best|best\s+regards|kind\s+regards|cheers|"
    r"sincerely|warm\s+regards|br|thx|--.*)[,.!]?$",
    re.IGNORECASE,
)
_GREETING = re.compile(r"^(?:hi|hello|hey|dear|greetings|good\s+\w+)\b[^.!?]{0,30},$", re.I)
_QUOTED = re.compile(
    r"\"[^\"\n]{1,300}\"|“[^”\n]{1,300}”|`[^`\n]{1,300}`|(?<!\w)'[^'\n]{3,300}'(?!\w)"
)
_BULLET_KEY = re.compile(r"^[-*•]\s*[A-Za-z][\w /]{0,30}:\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _only_signature_left(lines: list[str]) -> bool:
    """Whether ``lines`` (after a "Thanks," line) look like a name, title, company: short."""
    rest = [line for line in lines if line.strip()]
    return len(rest) <= 4 and all(len(line.split()) <= 8 for line in rest)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` without greetings, the sign-off block and quoted machine output."""
    sentences: list[str] = []
    lines = _QUOTED.sub(" ", text).splitlines()
    for number, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if _SIGNOFF.match(stripped) and _only_signature_left(lines[number + 1 :]):
            break
        if _GREETING.match(stripped):
            continue
        stripped = _BULLET_KEY.sub("", stripped)
        sentences.extend(s for s in _SENTENCE_END.split(stripped) if s)
    return sentences
