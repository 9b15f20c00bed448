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
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]  # "queues" ~ "queue"
    return word[:6]  # "configuration" ~ "configure", "replication" ~ "replicate"


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


# Words of any support conversation that name no particular problem: courtesy, time, people,
# the ticket itself, and the verbs of a generic checklist ("review", "check", "identify the
# cause"). A reply that shares only these with the ticket has not engaged with its problem.
_CHATTER = frozenset((
    "team", "teams", "time", "times", "day", "days", "daily", "hour", "hours", "week", "weeks",
    "month", "months", "year", "years", "today", "morning", "yesterday", "ago", "since",
    "ticket", "tickets", "case", "cases", "regards", "hello", "hi", "dear", "cheers", "best",
    "sincerely", "kind", "kindly", "customer", "customers", "user", "users", "team", "side",
    "work", "works", "working", "worked", "error", "errors", "resource", "resources", "affected",
    "affect", "affects", "affecting", "step", "steps", "cause", "causes", "root", "identify",
    "region", "regions", "setup", "console", "support", "check", "checked", "checking", "review",
    "reviewed", "reviewing", "identical", "environment", "environments", "staging", "prod",
    "dev", "test", "failed", "failing", "fail", "fails", "failure", "failures", "through",
    "first", "last", "run", "runs", "running", "change", "changed", "changes", "details",
    "detail", "described", "message", "messages", "state", "status", "account", "accounts",
    "guidance", "advise", "advice", "recommend", "recommended", "recommendation",
    "recommendations", "next", "thing", "things", "everything", "nothing", "something",
    "anything", "look", "looks", "like", "see", "seeing", "seen", "happening", "happen",
    "happens", "started", "start", "tried", "try", "trying", "also", "already", "every",
    "each", "many", "much", "one", "two", "three", "few", "lot", "lots", "part", "know", "let",
    "hope", "hoping", "appreciate", "appreciated", "currently", "current", "new", "same",
    "different", "make", "sure", "able", "unable", "getting", "get", "got", "use", "using",
    "used", "want", "wanted", "configured", "configure", "config", "configuration", "setting",
    "settings", "appears", "appear", "seem", "seems", "behaviour", "behavior", "following",
    "below", "above", "regarding", "attached", "note", "noticed", "notice", "observed",
    "information", "info", "assist", "assistance", "contact", "contacting", "reach", "glad",
    "happy", "sorry", "understand", "understood", "apologize", "experiencing", "encountering",
    "causing", "might", "may", "provide", "find", "docs", "documentation", "whether", "between",
    "across", "without", "within", "per", "via", "usually", "way", "ways", "ones", "further",
    "aspect",
))  # fmt: skip

# The problem is engaged when the advice uses at least this many of the customer's terms.
MIN_ENGAGED = 3
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+|\n+")


_SIGN_OFF = re.compile(
    r"^\s*(?:thanks|thank you|cheers|best|regards|kind regards|best regards|sincerely|"
    r"many thanks|thanks in advance)\b[^\n]{0,20}$",
    re.IGNORECASE | re.MULTILINE,
)


def _without_signature(text: str) -> str:
    """``text`` without its closing ("Thanks,\nPierre"): the customer's name is no term of the
    problem."""
    closings = list(_SIGN_OFF.finditer(text))
    if closings and text.count("\n", closings[-1].start()) <= 4:
        return text[: closings[-1].start()]
    return text


def _key_words(text: str, product: str, skip: set[str] = frozenset()) -> list[str]:
    """Content words of ``text`` that name something: no chatter, no numbers, not in ``skip``
    (stemmed)."""
    return [
        w
        for w in content_words(text, product)
        if w not in _CHATTER and not w.isdigit() and _stem(w) not in skip
    ]


# Words of questions any ticket may ask ("How long will this take?", "What is going wrong?").
_VAGUE_ASKING = frozenset((
    "take", "long", "soon", "going", "wrong", "pay", "business", "resolve", "resolved", "improve",
    "missing", "expect", "escalate", "fix", "happened", "doing", "discrepancy",
))  # fmt: skip


def _asked(description: str, product: str, issue_type: str) -> list[str]:
    """The key words of the customer's specific questions (sentences ending with "?"), beyond
    the issue type's words, which any templated reply echoes, and beyond the words of questions
    any ticket may ask ("How long will this take?")."""
    skip = {_stem(w) for w in content_words(issue_type, product)}
    asked = []
    for sentence in _SENTENCE_END.split(description):
        if sentence.strip().endswith("?"):
            asked += [w for w in _key_words(sentence, product, skip) if w not in _VAGUE_ASKING]
    return _unique(asked)


@dataclass(frozen=True, slots=True)
class ProblemMatch:
    """How the response relates to the ticket's problem."""

    restates_issue_type: bool
    issue_words: tuple[str, ...]  # content words of the issue type
    subject_words: tuple[str, ...]  # content words of the subject, not in the issue type
    found: tuple[str, ...]  # those of both found in the response
    phrases: tuple[str, ...]  # two-word phrases of the description found in the response
    # The customer's terms (issue type, subject, description; no chatter) and those the advice
    # uses: the reply without its greeting and without its echo of the issue type.
    problem_words: tuple[str, ...] = ()
    engaged: tuple[str, ...] = ()
    question_words: tuple[str, ...] = ()  # key words of the customer's question(s), if asked
    answered: tuple[str, ...] = ()  # those found in the response

    @property
    def restated(self) -> bool:
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

    @property
    def engages(self) -> bool:
        """The advice uses ``MIN_ENGAGED`` of the customer's terms (all of them when fewer)."""
        return len(self.engaged) >= min(MIN_ENGAGED, len(self.problem_words))

    @property
    def answers_question(self) -> bool:
        """No specific question asked, or the reply uses one of its key words and half of
        them (rounded down)."""
        if not self.question_words:
            return True
        return len(self.answered) >= max(1, len(self.question_words) // 2)

    @property
    def addressed(self) -> bool:
        """The specific problem addressed, not only named: the customer's specific question
        answered if one is asked, else the advice engages with the customer's terms. A ticket
        too short to have MIN_ENGAGED terms falls back to the restatement of its issue type or
        subject."""
        if self.question_words:
            return self.answers_question
        if len(self.problem_words) < MIN_ENGAGED:
            return self.restated
        return self.engages


def problem_match(
    response: str, *, issue_type: str, subject: str, description: str = "", product: str = ""
) -> ProblemMatch:
    """Whether ``response`` restates the issue type, and what of the ticket's words it shares."""
    normalized = " ".join(response.split()).lower()
    issue_text = " ".join(issue_type.split()).lower()
    restated = bool(issue_text) and issue_text in normalized
    issue_words = content_words(issue_type, product)
    subject_words = [w for w in content_words(subject, product) if w not in issue_words]
    if _POLITE["greeting"].match(response):  # the customer's name is no shared phrase
        response = response.split("\n", 1)[-1]
    stems = {_stem(w) for w in content_words(response, product)}
    found = [w for w in (*issue_words, *subject_words) if _stem(w) in stems]
    said = _phrases(response, product)
    phrases = [text for key, text in _phrases(description, product).items() if key in said]
    # The advice: the reply without its echo of the issue type ("... about Cache Behavior").
    advice = " ".join(response.split())
    if issue_text:
        advice = re.sub(re.escape(issue_text), " ", advice, flags=re.IGNORECASE)
    advice_stems = {_stem(w) for w in content_words(advice, product)}
    terms: dict[str, str] = {}
    description = _without_signature(description)
    for word in _key_words(f"{issue_type}\n{subject}\n{description}", product):
        terms.setdefault(_stem(word), word)
    engaged = [word for stem, word in terms.items() if stem in advice_stems]
    asked = _asked(description, product, issue_type)
    answered = [w for w in asked if _stem(w) in stems]
    return ProblemMatch(
        restated,
        tuple(issue_words),
        tuple(subject_words),
        tuple(found),
        tuple(phrases),
        tuple(terms.values()),
        tuple(engaged),
        tuple(asked),
        tuple(answered),
    )
