"""The support-ticket lexicon of the offline sentiment analyser (see ``sentiment``): word lists,
phrase rules, and vader with its per-token valences exposed.

Word lists are lower case (vader strips surrounding punctuation before the lookup); they are
module constants so they can be reviewed. :class:`_PhraseRewriter` replaces every phrase of
:data:`PHRASES` by a marker token carrying its valence (or a space) before vader reads a sentence.
"""

from __future__ import annotations

import re

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    SentimentIntensityAnalyzer,
    SentiText,
    allcap_differential,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


POLITENESS: frozenset[str] = _words(
    """
    please thank thanks thankful appreciate appreciated appreciation appreciative grateful
    kindly kind hope hoping hopefully hoped welcome cheers regards sincerely dear wish
    wishes help helps helping assist assistance support advise sorry honestly truly pretty
    """
)
TECHNICAL_NEUTRAL: frozenset[str] = _words(
    """
    amazon no security secure protect protected protection trust trusted share shared
    sharing create created creates creating creation active healthy health alarm alarms
    alert alerts number value values free grant grants granted allow allowed allows accept
    accepted approval approve approved privilege privileges privileged dedicated advanced
    dynamic spark fan join joined fit reach reached reaches reaching confidence increase
    increased increases growing grow top asset assets warm commit commits committed resolver
    resolvers grace engagement proactive restore restored restores restoring recommend
    progress save saved saves clear cleared clean certain want ready true yes ok okay sure
    agree important dump exploit master troubleshooting troubleshoot hand freeze resolve
    resolving suspect clearly fine validate validated helper wins fair desired respected
    firing supported safely success successful successfully succeeds legal exclude ensure
    ensured ensures ensuring optimal
    """
)
# Technical failure words vader lacks (vader's own failure words are listed in PROBLEM below).
PROBLEM_LEXICON: dict[str, float] = {
    "timeout": -1.5, "timeouts": -1.5, "throttled": -1.2, "throttling": -1.2,
    "unavailable": -1.5, "unreachable": -1.5, "crashed": -1.7, "crashes": -1.7,
    "crashing": -1.7, "exception": -1.0, "exceptions": -1.0, "slow": -1.0, "slower": -1.0,
    "slowness": -1.2, "intermittent": -0.8, "intermittently": -0.8, "bug": -1.2, "bugs": -1.2,
    "spike": -0.8, "spikes": -0.8, "hang": -1.0, "hangs": -1.0, "hanging": -1.0, "hung": -1.0,
    "corrupt": -1.8, "corrupted": -1.8, "inconsistent": -1.0, "unresponsive": -1.5,
    "flaky": -1.2, "aborted": -1.0, "terminated": -0.8, "exceeded": -0.6, "broke": -1.8,
    "drops": -1.1, "dropped": -1.1, "dropping": -1.1, "canceled": -1.0, "delays": -1.3,
    "refuses": -1.2, "evicted": -1.0, "leaks": -1.4, "leaking": -1.4, "issue": -0.8,
    "issues": -0.8, "unexpected": -0.8, "unexpectedly": -0.8, "disrupted": -1.4,
    "downtime": -1.8, "degradation": -1.8, "errored": -1.7, "inconsistency": -1.0,
    "inconsistencies": -1.0,
    "zzproblem": -1.5,  # phrase marker: "unable to", "not working", "timed out", ...
}  # fmt: skip
PROBLEM: frozenset[str] = _words(
    """
    fail fails failed failing failure failures error errors stuck missing stopped stop stops
    low lag blocked block blocks blocking wrong unhealthy empty killed kill unsupported deny
    denied denies lost loss dead charges miss misses missed fatal rejected reject rejects
    refused refuse conflict conflicts conflicting cancelled cancel delay delayed drop
    eviction exhausted pressure forbidden ignored ignore restriction restricted restricting
    vulnerability starved falling alone crash problem problems trouble warning warnings
    offline degraded critical severe broken leak limited hacked threat unstable difficult
    hard disruption disruptions affected
    """
) | frozenset(PROBLEM_LEXICON)
DOMAIN_NEGATIVE: dict[str, float] = {
    "urgent": -1.5, "urgently": -1.5, "urgency": -1.0, "asap": -1.5, "immediately": -1.0,
    "immediate": -0.8, "escalate": -1.5, "escalating": -1.5, "escalation": -1.2,
    "unacceptable": -2.5, "outrageous": -2.5, "ridiculous": -2.5, "outage": -2.5, "outages": -2.5,
    "refund": -1.2, "refunds": -1.2, "compensation": -1.5, "breach": -1.8, "unreliable": -2.0,
    "unusable": -2.2, "nightmare": -2.5, "blocker": -1.5, "impossible": -1.5, "concern": -0.5,
    "concerned": -0.8, "concerning": -1.0, "puzzling": -0.5, "snag": -0.8, "nobody": -1.0,
    "zzneg1": -1.0, "zzneg2": -2.0, "zzneg3": -3.0,  # phrase markers
}  # fmt: skip
DOMAIN_POSITIVE: dict[str, float] = {
    "reliable": 1.8, "reliably": 1.5, "smooth": 1.5, "smoothly": 1.5, "seamless": 2.0,
    "seamlessly": 2.0, "solid": 1.5, "productive": 1.5, "stellar": 2.5, "bravo": 2.0,
    "flawless": 2.5, "flawlessly": 2.5, "intuitive": 1.5, "painless": 1.5,
    "zzpos2": 2.0, "zzresolved": 2.0,  # phrase markers
}  # fmt: skip
# Negation of these yields zero rather than vader's flipped (positive) valence.
NEGATION_NEUTRALISED: frozenset[str] = PROBLEM | frozenset(DOMAIN_NEGATIVE)
# "like" is the verb of liking only after one of these ("we like", "the team really like").
LIKE_SUBJECTS: frozenset[str] = _words(
    """
    i we they you team really still also generally definitely truly both all everyone users
    customers developers engineers folks people everybody genuinely
    """
)
_NOT_A_PROBLEM = (
    "sure|certain|know|think|hesitate|mind|believe|want|need|seem|expect|touch|touched|change|"
    "changed|matter|care|aware|urgent|critical|blocking|customer|user|big|a|an|the|yet|much|many|"
    "only|just|so|too|that|this|any|all|always|very|really|clear|affected|impacted|impact|made|"
    "make|modified|deployed|done|do"
)
# (pattern, replacement): a marker token carrying the phrase's valence, or " " to neutralise it.
PHRASES: tuple[tuple[str, str], ...] = (
    # politeness formulae and technical terms that contain sentiment words
    (r"\b(?:kind|best|warm|warmest)\s+regards\b|\bbest\s+wishes\b|\ball\s+the\s+best\b", " "),
    (r"\bhave\s+a\s+(?:nice|great|good|lovely)\s+(?:day|week|weekend|one)\b", " "),
    (r"\bgood\s+(?:morning|afternoon|evening)\b", " "),
    (r"\bwould(?:\s+really)?\s+(?:be\s+)?(?:great|nice|good|wonderful|helpful|awesome|perfect|"
     r"lovely|fantastic|amazing)\b", " "),
    (r"\b(?:would|[a-z]+'d)\s+(?:like|love)\b|\blooking\s+forward\b|\bfeel\s+free\b", " "),
    (r"\bhappy\s+to\s+(?:provide|share|help|jump|hop|assist|answer|send|give)\b", " "),
    # an unmet expectation said politely is neither praise nor anger
    (r"\b(?:were|was|had\s+been)\s+hoping\s+for(?:\s+(?:a|an|much|more|some))?"
     r"(?:\s+(?:better|smoother|faster|easier|more|quicker|stronger))?", " "),
    (r"\bbest[\s-]+practices?\b|\bdead[\s-]+letter\b|\bon[\s-]+demand\b|\bfalse\s+positives?\b",
     " "),
    # business impact, exasperation, urgency, disappointment
    (r"\b(?:is|are|was|were|went|been|being|goes|go|completely|totally|entirely|fully|still|"
     r"all|be)\s+(?:down|offline)\b", "zzneg2"),
    (r"\blos(?:e|es|ing|t)\s+(?:\w+\s+)?(?:revenue|money|customers|sales|orders|business|data)\b|"
     r"\b(?:revenue|data|business)\s+loss\b", "zzneg3"),
    (r"\bout\s+of\s+patience\b|\b(?:can\s*not|can't|couldn't)\s+believe\b|\bfed\s+up\b|"
     r"\bsick\s+and\s+tired\b|\bhad\s+enough\b|\blast\s+straw\b", "zzneg3"),
    (r"\b(?:once|yet)\s+again\b|\bagain\b(?=\s*(?:[.!?]|$))|\b(?:third|fourth|fifth|"
     r"\w+th)\s+time\b|\bkeeps?\s+(?:happening|failing|breaking|crashing)\b|"
     r"\bgetting\s+worse\b", "zzneg2"),
    (r"\b(?:another|different|other)\s+(?:cloud\s+)?(?:provider|vendor)\b|"
     r"\b(?:switch|switching|move|moving|migrate|migrating)\s+away\b", "zzneg2"),
    (r"\bas\s+soon\s+as\s+possible\b|\bwithin\s+the\s+hour\b", "zzneg1"),
    (r"\bexpect(?:ed)?\s+better\b|\bno\s+one\b|\bno\s+(?:response|reply|answer)\b", "zzneg2"),
    (r"\bservice\s+credits?\b", "zzneg1"),
    # praise idioms that contain a negation or a failure word
    (r"\b(?:could\s*not|couldn't)\s+be\s+(?:happier|better|more\s+(?:pleased|satisfied|happy))\b|"
     r"\bexceed(?:s|ed)?\s+(?:all\s+)?(?:our\s+|my\s+)?expectations\b", "zzpos2"),
    (r"\b(?:zero|no)\s+(?:downtime|errors|issues|problems|impact|complaints)\b", " "),
    # problem statements without a failure word
    (r"\bwithout\s+(?:any\s+)?(?:success|luck)\b|\bno\s+luck\b|\b(?:did\s+not|didn't)\s+help\b|"
     r"\b(?:can\s*not|can't|could\s+not|couldn't|unable\s+to|fail(?:s|ed)?\s+to|no\s+longer)\b|"
     r"\bstopped\s+(?:working|responding|running)\b|\bno\s+(?:data|results|output)\b|"
     r"\btim(?:e|es|ed|ing)\s+out\b|\btoo\s+(?:slow|slowly|long|high|many|often|late)\b|"
     r"\bneeds?\s+(?:fixing|to\s+be\s+fixed)\b|\bworkaround\b|\bby\s+hand\b|\bmanually\b|"
     r"\bthan\s+(?:expected|anticipated)\b", "zzproblem"),
    # a negated predicate ("is not added", "aren't running"), unless the word is in the lexicon
    # (vader negates it) or it is the customer's own action ("we have not changed anything")
    (rf"\b(?:not|[a-z]+n't)\s+(?:be\s+|been\s+|being\s+|get\s+|even\s+)?(?!(?:{_NOT_A_PROBLEM})\b)"
     r"(?P<word>[a-z]+)", "zzproblem"),
    # resolution and praise
    (r"\b(?:works|working|worked)\s+(?:now|again)\b", "zzresolved"),
    (r"\b(?:works|working|worked|runs|running)\s+(?:perfectly|great|fine|well|flawlessly|"
     r"beautifully|smoothly|like\s+a\s+charm)\b", "zzpos2"),
    (r"\b(?:is|was|been|got|finally|now|all)\s+(?:fixed|resolved|solved|sorted)\b",
     "zzresolved"),
    (r"\brock[\s-]+solid\b|\b(?:big|huge)\s+fans?\b", "zzpos2"),
)  # fmt: skip
_OWN_ACTION = re.compile(
    r"\b(?:we|i)\s+(?:(?:have|had|did)\s+not|haven't|hadn't|didn't)\b", re.IGNORECASE
)


class _PhraseRewriter:
    """Replaces every phrase of :data:`PHRASES` by its marker (or a space), in one regex pass.

    It runs on whole documents, one sentence per line: phrases never span lines (whitespace in
    the patterns is restricted to spaces and tabs). Matching runs case-sensitively on the
    lower-cased text, with every phrase starting at the start of a word, which lets the regex
    engine skip most positions; replacements are applied to the original text, so vader still
    sees capitals.
    """

    def __init__(self, lexicon: dict[str, float]) -> None:
        self._lexicon = lexicon
        parts = []
        self._markers = []
        for i, (pattern, marker) in enumerate(PHRASES):
            inline = pattern.replace(r"[\s-]", r"[ \t-]").replace(r"\s", r"[ \t]")
            parts.append(f"(?P<p{i}>{inline})")
            self._markers.append(f" {marker} " if marker.strip() else " ")
        combined = r"(?<![a-z])(?=[a-z])(?:" + "|".join(parts) + ")"
        self._lower = re.compile(combined, re.MULTILINE)
        # for text whose lower-casing changes its length (rare non-ASCII letters)
        self._any_case = re.compile(combined, re.MULTILINE | re.IGNORECASE)

    def __call__(self, text: str) -> str:
        lower = text.lower()
        pattern = self._lower
        if len(lower) != len(text):
            lower, pattern = text, self._any_case
        out = []
        pos = 0
        for match in pattern.finditer(lower):
            marker = self._marker(match)
            if marker is not None:
                out += (text[pos : match.start()], marker)
                pos = match.end()
        out.append(text[pos:])
        return "".join(out)

    def _marker(self, match: re.Match[str]) -> str | None:
        index = int(match.lastgroup[1:])  # type: ignore[index]
        if PHRASES[index][1] == "zzproblem" and match.group("word") is not None:
            if match.group("word").lower() in self._lexicon:
                return None  # a negated lexicon word: vader negates it itself
            start = match.start()
            if _OWN_ACTION.search(match.string, max(0, start - 30), start + 12):
                return None  # "we have not changed anything": reassurance, not a problem
        return self._markers[index]


_strip = SentiText._strip_punc_if_word  # vader's own token clean-up


class _Vader(SentimentIntensityAnalyzer):
    """Vader with its per-token valences exposed (``polarity_scores`` only returns aggregates)."""

    def token_valences(self, sentence: str) -> tuple[list[str], list[float]] | None:
        """Vader's valence of every token (after its "but" rule), or None without lexicon words.

        Same loop as ``polarity_scores``, minus the emoji pass (see :meth:`replace_emojis`);
        tokens outside the lexicon get 0 without the per-token method call.
        """
        words = [_strip(token) for token in sentence.split()]
        lowers = [w.lower() for w in words]
        lexicon = self.lexicon
        if not any(w in lexicon for w in lowers):
            return None
        sentitext = SentiText.__new__(SentiText)  # SentiText(sentence), reusing the split
        sentitext.text = sentence
        sentitext.words_and_emoticons = words
        sentitext.is_cap_diff = allcap_differential(words)
        sentiments: list[float] = []
        last = len(words) - 1
        for i, item in enumerate(words):
            lower = lowers[i]
            if (
                lower not in lexicon
                or lower in BOOSTER_DICT
                or (lower == "kind" and i < last and lowers[i + 1] == "of")
            ):
                sentiments.append(0.0)
            else:
                sentiments = self.sentiment_valence(0.0, sentitext, item, i, sentiments)
        return words, self._but_check(words, sentiments)

    def replace_emojis(self, text: str) -> str:
        if text.isascii():
            return text
        return "".join(f" {self.emojis[c]} " if c in self.emojis else c for c in text)


def _build_lexicon(base: dict[str, float]) -> dict[str, float]:
    lexicon = {w: v for w, v in base.items() if w not in POLITENESS | TECHNICAL_NEUTRAL}
    lexicon.update(PROBLEM_LEXICON)
    lexicon.update(DOMAIN_NEGATIVE)
    lexicon.update(DOMAIN_POSITIVE)
    return lexicon
