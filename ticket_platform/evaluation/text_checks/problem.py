"""Contextual relevance: whether a response restates the ticket's problem."""

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from ticket_platform.evaluation.text_checks.products import catalog_product, short_product
from ticket_platform.evaluation.text_checks.prose import _unique
from ticket_platform.evaluation.text_checks.tone import _POLITE

_STOPWORDS = frozenset((
    "a", "an", "the", "and", "or", "of", "for", "to", "in", "on", "with", "at", "by", "from", "as",
    "is", "are", "was", "were", "be", "been", "not", "no", "this", "that", "these", "those", "it",
    "its", "our", "your", "we", "you", "i", "my", "me", "us", "they", "their", "them", "there",
    "here", "what", "which", "who", "how", "why", "when", "where", "can", "could", "would",
    "should", "will", "do", "does", "did", "has", "have", "had", "but", "if", "so", "than", "then",
    "too", "very", "just", "about", "into", "over", "after", "before", "again", "still", "only",
    "some", "any", "all", "more", "most", "other", "such", "own", "same", "issue", "issues",
    "problem", "problems", "question", "questions", "query", "inquiry", "concern", "help", "need",
    "needs", "needed", "minor", "major", "small", "quick", "urgent", "critical", "immediately",
    "immediate", "now", "fix", "fixed", "please", "thanks", "thank", "amazing", "fantastic",
    "great", "outrageous", "unacceptable", "perfect", "experience", "expected", "better", "well",
    "good", "quite", "right", "action", "required", "broken", "loving", "far", "service", "aws",
    "amazon", "production", "impact", "investigating", "out", "up",
))  # fmt: skip


def _stem(word: str) -> str:
    word = word.lower()
    if len(word) >= 6:
        return word[:6]  # "configuration" ~ "configure", "replication" ~ "replicate"
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


@cache
def _product_words(product: str) -> frozenset[str]:
    """The words of the product's full and short names ("aws", "config"), lower case."""
    entry = catalog_product(product)
    names = (product, short_product(product), entry.short if entry else "")
    return frozenset(w.lower() for name in names for w in re.findall(r"\w+", name))


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['\u2019][A-Za-z]+)?")


def _tokens(text: str) -> list[str]:
    """Lower-case words; possessives lose their "'s", contractions become "" (no content)."""
    words = (w.lower().replace("\u2019", "'") for w in _WORD.findall(text))
    return [w[:-2] if w.endswith("'s") else "" if "'" in w else w for w in words]


def content_words(text: str, product: str = "") -> list[str]:
    """The words of ``text`` that carry meaning: no stopwords, no words of the product's names."""
    skip = _STOPWORDS | _product_words(product)
    return _unique(w for w in _tokens(text) if len(w) > 1 and w not in skip)


# Words too common in support replies to make a shared phrase meaningful ("recent changes").
_BOILERPLATE = frozenset((
    "recent", "recently", "change", "changes", "made", "error", "errors", "message", "messages",
    "set", "up", "specific", "configuration", "settings", "setting", "details", "steps",
))  # fmt: skip


def _phrases(text: str, product: str) -> dict[tuple[str, str], str]:
    """Pairs of adjacent content words (stemmed), with their text: "refresh rate"."""
    skip = _STOPWORDS | _BOILERPLATE | _product_words(product) | {""}
    return {
        (_stem(a), _stem(b)): f"{a} {b}"
        for a, b in pairwise(_tokens(text))
        if a not in skip and b not in skip
    }


@dataclass(frozen=True, slots=True)
class ProblemMatch:
    """How the response relates to the ticket's problem."""

    restates_issue_type: bool
    issue_words: tuple[str, ...]  # content words of the issue type
    subject_words: tuple[str, ...]  # content words of the subject, not in the issue type
    found: tuple[str, ...]  # those of both found in the response
    phrases: tuple[str, ...]  # two-word phrases of the description found in the response

    @property
    def addressed(self) -> bool:
        """Issue type restated, half its words or two subject words found, or two phrases of
        the description repeated (the subject is often generic: "Minor Query")."""
        issue_found = [w for w in self.issue_words if w in self.found]
        subject_found = [w for w in self.subject_words if w in self.found]
        return (
            self.restates_issue_type
            or (bool(self.issue_words) and 2 * len(issue_found) >= len(self.issue_words))
            or len(subject_found) >= min(2, len(self.subject_words) or 99)
            or len(self.phrases) >= 2
        )


def problem_match(
    response: str, *, issue_type: str, subject: str, description: str = "", product: str = ""
) -> ProblemMatch:
    """Whether ``response`` restates the issue type, and what of the ticket's words it shares."""
    normalized = " ".join(response.split()).lower()
    restated = bool(issue_type.strip()) and " ".join(issue_type.split()).lower() in normalized
    issue_words = content_words(issue_type, product)
    subject_words = [w for w in content_words(subject, product) if w not in issue_words]
    if _POLITE["greeting"].match(response):  # the customer's name is no shared phrase
        response = response.split("\n", 1)[-1]
    stems = {_stem(w) for w in content_words(response, product)}
    found = [w for w in (*issue_words, *subject_words) if _stem(w) in stems]
    said = _phrases(response, product)
    phrases = [text for key, text in _phrases(description, product).items() if key in said]
    return ProblemMatch(
        restated, tuple(issue_words), tuple(subject_words), tuple(found), tuple(phrases)
    )
