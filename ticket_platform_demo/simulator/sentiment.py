"""An offline stand-in for Amazon Comprehend ``DetectSentiment``, adapted to support tickets.

In AWS each ticket's text (subject, blank line, description, cut to 5,000 UTF-8 bytes: see
:func:`comprehend_text`) goes to Comprehend, which answers ``{"Sentiment": label,
"SentimentScore": {"Positive", "Negative", "Neutral", "Mixed"}}``. :class:`LexiconSentimentAnalyzer`
returns exactly that shape, offline and deterministic, built on vaderSentiment's lexicon and
valence rules (negation, boosters, capitals, exclamation marks). Every output can be attributed
through ``analyzer.name`` / ``analyzer.version`` (``model_id`` = ``"offline-vader-support/1"``).

Why not plain vader: support tickets are polite. "Please", "thank you", "appreciate", "hope",
"kind regards" and technical words such as "Amazon", "security", "healthy", "trust policy",
"best practices" or "resolve" all carry positive valence in a general-purpose lexicon, so plain
vader reads most tickets as positive (measured below), and it has no notion of MIXED.

Domain adaptation (all rules are general support-ticket rules, not the synthetic generator's
sentences; the word lists are module constants so they can be reviewed):

1. **Clean-up.** Greeting lines ("Hi team,"), the sign-off block ("Thanks,\\nAna") and quoted
   machine output ("...", '...', `...`: pasted errors and logs) are dropped; bullet keys
   ("- Error:") are stripped. Sentences are split on ``.!?`` and newlines.
2. **Lexicon.** Politeness formulae (:data:`POLITENESS`) and technical senses
   (:data:`TECHNICAL_NEUTRAL`) are removed from vader's lexicon; multi-word formulae ("kind
   regards", "would be great", "best practices", "dead letter") are neutralised by
   :data:`PHRASES`. Support-domain vocabulary vader lacks is added: exasperation and urgency
   (:data:`DOMAIN_NEGATIVE`: unacceptable, outage, urgent, escalate, refund...), praise
   (:data:`DOMAIN_POSITIVE`: reliable, smoothly, rock solid...), and phrases ("is down", "losing
   revenue", "out of patience", "once again", "works now", "has been resolved").
3. **Two channels per sentence.** Technical failure vocabulary (:data:`PROBLEM`: failed, error,
   timeout, denied, issue, "cannot", "not working", "unable to"...) describes the *problem* a
   ticket is about, not the customer's feelings: it feeds a separate *problem* channel (one value
   per sentence: its strongest problem word) instead of the *affect* channel. Negated problem
   words count zero ("no errors", "not critical": the absence of a problem is not praise).
   Problems in questions and in one-off or resolved mentions ("once", "resolved on its own") are
   *hedged* (half weight, and not live); a resolution ("works now", "has been fixed") makes every
   problem in the ticket not live. A sentence mostly in capitals is shouting (affect -1.5).
4. **Labels** (:func:`decide`), from per-sentence scores normalised into [-1, 1] as vader does:

   - ``praise``: some sentence has affect >= ``CLEAR`` (0.3); ``complaint``: some <= -``CLEAR``;
   - ``pos`` / ``neg_affect``: sums of positive / negative sentence affect; ``problem``: sum of
     problem scores, ``active_problem``: the same over live ones; ``neg`` = ``neg_affect`` +
     ``PROBLEM_WEIGHT`` (0.4) x ``problem``;
   - **MIXED** when ``praise`` and (``complaint`` or ``active_problem`` >= ``MIX_PROBLEM`` (0.2,
     one live problem sentence)) and ``pos`` >= ``MIX_BALANCE`` (0.25) x ``neg_affect``;
   - else **POSITIVE** when ``pos - neg`` >= ``POS_MARGIN`` (0.3);
   - else **NEGATIVE** when ``neg - pos`` >= ``NEG_MARGIN`` (0.3) and ``neg_affect`` >=
     ``NEG_AFFECT_MIN`` (0.2): a factual problem report without negative affect stays NEUTRAL;
   - else **NEUTRAL** (also for empty text).

   Scores (:func:`sentiment_scores`): the label gets ``0.5 + 0.49 * (1 - exp(-margin))``, where
   ``margin`` is how far the evidence is past the label's threshold, in units of that threshold;
   the other three share the rest in proportion to their own evidence. The four sum to 1 and the
   label is always the arg-max, as in Comprehend.

Tuning and measurement. Word lists and thresholds were developed on generated tickets
(generator seeds 1 and 7, 3,000 tickets each, against ``target_sentiment``; the generator's text
pools were read to see how it expresses tone, but no rule keys on its sentences). The 100 real seed
tickets (labelled by the real Comprehend) were split: the even-numbered half was read during
development (a few passes), which led to general fixes ("minor issue" is still a live problem;
"successfully", "ensure", "optimal" are technical; "couldn't be happier" and "exceeded our
expectations" are praise; "we have not changed anything" is reassurance) and to lowering
``MIX_PROBLEM`` from 0.3 to 0.2 (one live problem sentence; that also helped on generated
tickets); the odd-numbered half was never read. No threshold was searched on the seed set.
Measured with ``python -m ticket_platform_demo.simulator.sentiment_quality`` ("before": before the
even half was read):

============================================  ========  ============  ===========
set                                           this      plain vader   note
============================================  ========  ============  ===========
2,000 generated tickets (seed 42)             96.7%     45.6%         unseen seed
100 real seed tickets                         58%       36%           56% before
  even half (read during development)         62%       -             58% before
  odd half (never read)                       54%       -             54% before
============================================  ========  ============  ===========

Limits, honestly. The real Comprehend labels plain, factual failure reports ("we are unable to
connect ... error ... please advise") NEGATIVE a little more often than NEUTRAL, with no lexical
cue that separates the two; this analyser calls them NEUTRAL, as the generator intends, and that is
23 of its 42 errors on the real tickets. Dropping the affect requirement (``NEG_AFFECT_MIN = 0``)
would score 67% on the real tickets but 83.5% on generated ones, mostly by calling every problem
report NEGATIVE (real NEUTRAL recall falls from 18/19 to 4/19); it is not the default. Real
MIXED/POSITIVE tickets that mention a minor issue amid strong praise split both ways in
Comprehend; here they lean MIXED. The rules read words, not meaning: sarcasm, long narratives and
non-English text are out of reach, and the generated-ticket figure is optimistic (the generator
writes tone with the kind of vocabulary these rules look for); the real-ticket sample is small.

Speed (CPU time, one core): about 0.8 ms per generated ticket (~440 characters) and ~1 ms per
real seed ticket (~600 characters); the 5,000-byte cut bounds the worst case. Building the analyser
takes ~0.1 s, so build it once (:func:`default_analyzer`) and reuse it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    SentimentIntensityAnalyzer,
    SentiText,
    allcap_differential,
)

from lambdas.trigger_sfn.execution import SENTIMENT_TEXT_MAX_BYTES, truncate_utf8

LABELS: tuple[str, ...] = ("POSITIVE", "NEGATIVE", "NEUTRAL", "MIXED")
SCORE_KEYS: dict[str, str] = {
    "POSITIVE": "Positive",
    "NEGATIVE": "Negative",
    "NEUTRAL": "Neutral",
    "MIXED": "Mixed",
}
COMPREHEND_MAX_BYTES = SENTIMENT_TEXT_MAX_BYTES  # DetectSentiment's limit on UTF-8 input

# --------------------------------------------------------------------------------------------
# Decision thresholds (see the module docstring)
# --------------------------------------------------------------------------------------------
CLEAR = 0.3  # a sentence is clearly positive / negative at |affect| >= CLEAR
PROBLEM_WEIGHT = 0.4  # weight of the problem channel in the document's negative evidence
MIX_PROBLEM = 0.2  # unhedged problem evidence that, with praise, makes a ticket MIXED
MIX_BALANCE = 0.25  # praise must be at least this share of the negative affect for MIXED
POS_MARGIN = 0.3
NEG_MARGIN = 0.3
NEG_AFFECT_MIN = 0.2  # NEGATIVE needs some negative affect, not only a problem report
SHOUTING = -1.5  # affect of an all-capitals sentence
HEDGE_FACTOR = 0.5  # problem weight in questions and resolved / one-off mentions


# --------------------------------------------------------------------------------------------
# Word lists (lower case; vader strips surrounding punctuation before the lookup)
# --------------------------------------------------------------------------------------------
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
_RESOLUTION_MARKER = "zzresolved"
_QUESTION = re.compile(r"\b(?:question|questions|query|wondering|curious)\b", re.IGNORECASE)
_RESOLVED_OR_ONCE = re.compile(
    r"\b(?:once(?!\s+again)|on\s+its\s+own|by\s+itself|not\s+a\s+big\s+deal|no\s+big\s+deal)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class SentenceScore:
    """One sentence's scores: ``affect`` and ``problem`` in [-1, 1] (vader-normalised)."""

    text: str
    affect: float
    problem: float
    hedged: bool  # a question, or a one-off / resolved mention: its problem is not live
    resolution: bool = False  # "works now", "has been fixed": the ticket's problem is over


@dataclass(frozen=True, slots=True)
class Evidence:
    """Document-level evidence the label and scores are derived from (see :func:`decide`)."""

    pos: float
    neg_affect: float
    problem: float
    active_problem: float
    praise: bool
    complaint: bool

    @property
    def neg(self) -> float:
        return self.neg_affect + PROBLEM_WEIGHT * self.problem


def comprehend_text(subject: str, description: str) -> str:
    """The text the AWS pipeline sends to Comprehend: subject, blank line, description, 5,000 B."""
    return truncate_utf8(f"{subject}\n\n{description}")


# --------------------------------------------------------------------------------------------
# Text clean-up and sentence splitting
# --------------------------------------------------------------------------------------------
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


_WORD = re.compile(r"[A-Za-z]{3,}")
_strip = SentiText._strip_punc_if_word  # vader's own token clean-up


def _is_shouting(sentence: str) -> bool:
    """Mostly capitals, with at least two long capitalised words (so "AWS IAM SCP" is not)."""
    words = _WORD.findall(sentence)
    upper = [w for w in words if w.isupper()]
    return len(upper) >= 0.7 * len(words) and sum(len(w) >= 5 for w in upper) >= 2


def _normalize(score: float, alpha: float = 15.0) -> float:
    """Vader's normalisation of a valence sum into [-1, 1]."""
    return score / math.sqrt(score * score + alpha)


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


class LexiconSentimentAnalyzer:
    """Offline Comprehend ``DetectSentiment`` for support tickets (see the module docstring).

    Deterministic, a pure function of the text, safe to share between threads. Building one
    loads vader's lexicon and compiles the phrase rules (~0.1 s): build once and reuse, e.g.
    through :func:`default_analyzer`.
    """

    name = "offline-vader-support"
    version = "1"

    def __init__(self) -> None:
        self._vader = _Vader()
        self._vader.lexicon = self._lexicon = _build_lexicon(self._vader.lexicon)
        self._rewrite = _PhraseRewriter(self._lexicon)

    @property
    def model_id(self) -> str:
        """``name/version``, to record next to every result."""
        return f"{self.name}/{self.version}"

    def detect_sentiment(self, text: str) -> dict[str, Any]:
        """Comprehend's answer shape: ``{"Sentiment": label, "SentimentScore": {...}}``.

        ``text`` is cut to Comprehend's 5,000-byte limit first; empty text is NEUTRAL.
        """
        evidence = self.evidence(text)
        label = decide(evidence)
        return {"Sentiment": label, "SentimentScore": sentiment_scores(evidence, label)}

    def evidence(self, text: str) -> Evidence:
        """The document-level evidence for ``text``."""
        return aggregate(self.analyze(text))

    def analyze(self, text: str) -> list[SentenceScore]:
        """Per-sentence scores of ``text`` (after the 5,000-byte cut and the clean-up)."""
        text = self._vader.replace_emojis(truncate_utf8(text))
        sentences = split_sentences(text)
        if not sentences:
            return []
        rewritten = self._rewrite("\n".join(sentences)).split("\n")
        return [self._score(s, r) for s, r in zip(sentences, rewritten, strict=True)]

    def score_sentence(self, sentence: str) -> SentenceScore:
        """Affect and problem scores of one sentence."""
        return self._score(sentence, self._rewrite(sentence))

    def _score(self, sentence: str, rewritten: str) -> SentenceScore:
        affect, problem = self._valence_sums(rewritten)
        hedged = bool(
            sentence.rstrip().endswith("?")
            or _QUESTION.search(sentence)
            or _RESOLVED_OR_ONCE.search(sentence)
        )
        if hedged:
            problem *= HEDGE_FACTOR
        if _is_shouting(sentence):
            affect += SHOUTING
        if affect:
            bangs = min(sentence.count("!"), 4) * 0.292  # vader's exclamation emphasis
            affect += bangs if affect > 0 else -bangs
        resolution = _RESOLUTION_MARKER in rewritten
        return SentenceScore(sentence, _normalize(affect), _normalize(problem), hedged, resolution)

    def _valence_sums(self, sentence: str) -> tuple[float, float]:
        """(sum of affect valences, strongest problem valence) of a rewritten sentence."""
        affect = problem = 0.0
        tokens = self._vader.token_valences(sentence)
        if tokens is None:
            return affect, problem
        words, valences = tokens
        for i, valence in enumerate(valences):
            if not valence:
                continue
            lower = words[i].lower()
            if valence > 0 and lower in NEGATION_NEUTRALISED:
                continue  # "no errors", "not critical": the absence of a problem is not praise
            if lower == "like" and (i == 0 or words[i - 1].lower() not in LIKE_SUBJECTS):
                continue  # "looks like", "errors like this": not the verb of liking
            if lower in PROBLEM:
                problem = min(problem, valence)
            else:
                affect += valence
        return affect, problem


def aggregate(sentences: list[SentenceScore]) -> Evidence:
    """Sum sentence scores into document evidence."""
    affects = [s.affect for s in sentences]
    resolved = any(s.resolution for s in sentences)
    live = [] if resolved else [s.problem for s in sentences if not s.hedged]
    return Evidence(
        pos=sum(a for a in affects if a > 0),
        neg_affect=-sum(a for a in affects if a < 0),
        problem=-sum(s.problem for s in sentences),
        active_problem=-sum(live),
        praise=any(a >= CLEAR for a in affects),
        complaint=any(a <= -CLEAR for a in affects),
    )


def decide(e: Evidence) -> str:
    """The Comprehend label for the evidence (rules in the module docstring)."""
    if _mixed_margin(e) >= 0:
        return "MIXED"
    if e.pos - e.neg >= POS_MARGIN:
        return "POSITIVE"
    if e.neg - e.pos >= NEG_MARGIN and e.neg_affect >= NEG_AFFECT_MIN:
        return "NEGATIVE"
    return "NEUTRAL"


def _mixed_margin(e: Evidence) -> float:
    """>= 0 when the ticket is MIXED: praise together with a complaint or a live problem."""
    if not e.praise or not (e.complaint or e.active_problem >= MIX_PROBLEM):
        return -1.0
    return e.pos - MIX_BALANCE * e.neg_affect


def _margin(e: Evidence, label: str) -> float:
    """How far past its decision threshold the evidence is, in units of that threshold."""
    net = e.pos - e.neg
    if label == "MIXED":
        return min(e.pos, max(e.neg_affect, e.active_problem)) / CLEAR
    if label == "POSITIVE":
        return (net - POS_MARGIN) / POS_MARGIN
    if label == "NEGATIVE":
        return (-net - NEG_MARGIN) / NEG_MARGIN
    return max(0.0, min(POS_MARGIN - net, NEG_MARGIN + net, POS_MARGIN)) / POS_MARGIN


_FLOOR = 0.02


def sentiment_scores(e: Evidence, label: str) -> dict[str, float]:
    """Comprehend's ``SentimentScore``: four scores summing to 1 with ``label`` the largest.

    The label scores ``0.5 + 0.49 * (1 - exp(-margin))``; the other three share the remainder in
    proportion to their own evidence (plus a small floor).
    """
    top = 0.5 + 0.49 * (1.0 - math.exp(-max(0.0, _margin(e, label))))
    weights = {
        "POSITIVE": e.pos,
        "NEGATIVE": e.neg,
        "NEUTRAL": max(0.0, 1.0 - e.pos - e.neg),
        "MIXED": min(e.pos, e.neg),
    }
    others = [k for k in LABELS if k != label]
    total = sum(weights[k] + _FLOOR for k in others)
    scores = {SCORE_KEYS[k]: (1.0 - top) * (weights[k] + _FLOOR) / total for k in others}
    scores[SCORE_KEYS[label]] = 1.0 - sum(scores.values())
    return {SCORE_KEYS[k]: scores[SCORE_KEYS[k]] for k in LABELS}


@lru_cache(maxsize=1)
def default_analyzer() -> LexiconSentimentAnalyzer:
    """A process-wide analyser, built on first use."""
    return LexiconSentimentAnalyzer()


def detect_sentiment(text: str) -> dict[str, Any]:
    """:meth:`LexiconSentimentAnalyzer.detect_sentiment` on :func:`default_analyzer`."""
    return default_analyzer().detect_sentiment(text)
