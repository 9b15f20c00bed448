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
sentences; the word lists and phrase rules are module constants of ``sentiment_lexicon`` so they
can be reviewed; the clean-up is ``sentiment_text``):

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

from lambdas.trigger_sfn.execution import SENTIMENT_TEXT_MAX_BYTES, truncate_utf8
from ticket_platform_demo.simulator.sentiment_lexicon import (
    LIKE_SUBJECTS,
    NEGATION_NEUTRALISED,
    PROBLEM,
    _build_lexicon,
    _PhraseRewriter,
    _Vader,
)
from ticket_platform_demo.simulator.sentiment_text import split_sentences

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


_WORD = re.compile(r"[A-Za-z]{3,}")


def _is_shouting(sentence: str) -> bool:
    """Mostly capitals, with at least two long capitalised words (so "AWS IAM SCP" is not)."""
    words = _WORD.findall(sentence)
    upper = [w for w in words if w.isupper()]
    return len(upper) >= 0.7 * len(words) and sum(len(w) >= 5 for w in upper) >= 2


def _normalize(score: float, alpha: float = 15.0) -> float:
    """Vader's normalisation of a valence sum into [-1, 1]."""
    return score / math.sqrt(score * score + alpha)


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
