"""The offline Comprehend stand-in: output shape, domain behaviour, quality measurement, floors.

Quality floors are measured values minus a margin (see the docstring of
``ticket_platform_demo.simulator.sentiment``; measured with
``python -m ticket_platform_demo.simulator.sentiment_quality``): generated tickets score 96-98% (plain
vader 43-50%), the 100 real seed tickets 58% (plain vader 36%).
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest

from ticket_platform_demo.simulator import sentiment as S
from ticket_platform_demo.simulator import sentiment_quality as Q
from ticket_platform_demo.simulator.sentiment import LABELS, LexiconSentimentAnalyzer
from ticket_platform_demo.simulator.sentiment_text import comprehend_text

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "seed_processed_tickets.jsonl"

ANGRY_OUTAGE = (
    "URGENT: checkout is down\n\n"
    "Hello, please help! Our checkout service has been down for 3 hours and we are losing revenue "
    "every minute. This is completely unacceptable. Thank you."
)
POLITE_QUESTION = (
    "Question about replication\n\n"
    "Hello team,\n\n"
    "Could you please advise how to configure cross-region replication for our bucket? "
    "We would appreciate any guidance. Thank you in advance!\n\n"
    "Kind regards,\nAna"
)
POLITE_PROBLEM_REPORT = (
    "EC2 instance unreachable\n\n"
    "Hello, our instance has been unreachable since 09:00 UTC and health checks fail. We already "
    "rebooted it. Could you please check whether anything changed on your side? Thanks in advance."
)
THANKS_IT_WORKS = (
    "Re: login problem\n\n"
    "Thank you so much, it works now! Great job by your team, much appreciated."
)
PRAISE_AND_COMPLAINT = (
    "Backups failing\n\n"
    "We love the service and it has been excellent for months. However, since yesterday our "
    "nightly backups fail with an access denied error, which is really frustrating."
)


@pytest.fixture(scope="module")
def analyzer() -> LexiconSentimentAnalyzer:
    return LexiconSentimentAnalyzer()


def label(analyzer: LexiconSentimentAnalyzer, text: str) -> str:
    return analyzer.detect_sentiment(text)["Sentiment"]


# ------------------------------------------------------------------------------------------
# Shape
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        ANGRY_OUTAGE,
        POLITE_QUESTION,
        POLITE_PROBLEM_REPORT,
        THANKS_IT_WORKS,
        PRAISE_AND_COMPLAINT,
        "",
        "ok",
        "!!!",
        "😀 great 😡",
    ],
)
def test_output_has_comprehends_shape(analyzer: LexiconSentimentAnalyzer, text: str) -> None:
    result = analyzer.detect_sentiment(text)
    assert set(result) == {"Sentiment", "SentimentScore"}
    assert result["Sentiment"] in LABELS
    scores = result["SentimentScore"]
    assert list(scores) == ["Positive", "Negative", "Neutral", "Mixed"]
    assert all(isinstance(v, float) and 0.0 <= v <= 1.0 for v in scores.values())
    assert math.isclose(sum(scores.values()), 1.0, abs_tol=1e-9)
    # the label is the arg-max, as in Comprehend
    assert max(scores, key=scores.__getitem__) == S.SCORE_KEYS[result["Sentiment"]]


def test_analyser_identifies_itself(analyzer: LexiconSentimentAnalyzer) -> None:
    assert analyzer.name == "offline-vader-support"
    assert analyzer.version == "1"
    assert analyzer.model_id == "offline-vader-support/1"


# ------------------------------------------------------------------------------------------
# Domain behaviour
# ------------------------------------------------------------------------------------------
def test_angry_outage_is_negative_despite_please_and_thank_you(analyzer) -> None:
    result = analyzer.detect_sentiment(ANGRY_OUTAGE)
    assert result["Sentiment"] == "NEGATIVE"
    assert result["SentimentScore"]["Negative"] > 0.8


def test_polite_question_is_neutral_not_positive(analyzer) -> None:
    assert label(analyzer, POLITE_QUESTION) == "NEUTRAL"
    assert Q.vader_predictor()(POLITE_QUESTION) == "POSITIVE"  # the problem being solved


def test_polite_factual_problem_report_is_neutral(analyzer) -> None:
    assert label(analyzer, POLITE_PROBLEM_REPORT) == "NEUTRAL"


def test_thank_you_it_works_is_positive(analyzer) -> None:
    assert label(analyzer, THANKS_IT_WORKS) == "POSITIVE"


def test_clear_praise_and_clear_complaint_is_mixed(analyzer) -> None:
    assert label(analyzer, PRAISE_AND_COMPLAINT) == "MIXED"


def test_praise_with_only_a_question_is_positive(analyzer) -> None:
    text = (
        "Loving the service - quick question\n\n"
        "The team is really happy with the service, it has been rock solid. Quick question: "
        "how do we rotate the access keys without downtime?"
    )
    assert label(analyzer, text) == "POSITIVE"


@pytest.mark.parametrize(
    "text",
    [
        "There are no errors and nothing is failing; we only want to know the limits.",
        "This is not critical and there is no urgency.",
    ],
)
def test_absence_of_a_problem_is_not_praise(analyzer, text: str) -> None:
    assert label(analyzer, text) == "NEUTRAL"


def test_shouting_is_negative(analyzer) -> None:
    assert label(analyzer, "THIS IS BROKEN AGAIN. FIX IT NOW") == "NEGATIVE"


def test_politeness_formulae_carry_no_sentiment(analyzer) -> None:
    for text in ("Thank you.", "Please advise.", "Kind regards", "We would appreciate guidance."):
        assert analyzer.score_sentence(text).affect == 0.0, text


def test_technical_vocabulary_is_not_praise(analyzer) -> None:
    text = "Amazon Security Hub shows the trust policy as active and the targets as healthy."
    assert analyzer.score_sentence(text).affect == 0.0


def test_sign_off_and_quoted_errors_are_ignored() -> None:
    text = 'Hi team,\nThe job fails with "Access Denied: fatal error".\n\nThanks,\nAna\nAcme Ltd'
    assert S.split_sentences(text) == ["The job fails with  ."]


# ------------------------------------------------------------------------------------------
# Determinism, edge cases
# ------------------------------------------------------------------------------------------
def test_deterministic_across_calls_and_instances(analyzer) -> None:
    texts = [ANGRY_OUTAGE, POLITE_QUESTION, THANKS_IT_WORKS, PRAISE_AND_COMPLAINT]
    first = [analyzer.detect_sentiment(t) for t in texts]
    assert [analyzer.detect_sentiment(t) for t in texts] == first
    assert [LexiconSentimentAnalyzer().detect_sentiment(t) for t in texts] == first
    assert [S.detect_sentiment(t) for t in texts] == first


@pytest.mark.parametrize("text", ["", " ", "   \n\t \n", "\n\n"])
def test_empty_or_whitespace_text_is_neutral(analyzer, text: str) -> None:
    result = analyzer.detect_sentiment(text)
    assert result["Sentiment"] == "NEUTRAL"
    assert result["SentimentScore"]["Neutral"] > 0.5


def test_very_long_text_is_cut_to_comprehends_limit(analyzer) -> None:
    sentence = "The nightly export fails with a timeout and we are losing data. "
    text = sentence * 20_000  # about 1.3 MB
    start = time.perf_counter()
    result = analyzer.detect_sentiment(text)
    assert time.perf_counter() - start < 1.0  # only the first 5,000 bytes are read
    assert result == analyzer.detect_sentiment(S.truncate_utf8(text))
    assert result["Sentiment"] == "NEGATIVE"


def test_truncation_never_splits_a_character() -> None:
    text = "é" * 4_000  # 8,000 bytes
    cut = S.truncate_utf8(text)
    assert len(cut.encode("utf-8")) == S.COMPREHEND_MAX_BYTES
    assert cut == "é" * 2_500
    assert S.truncate_utf8("x€", 3) == "x"
    assert S.truncate_utf8("short") == "short"


def test_comprehend_text_joins_subject_and_description() -> None:
    assert comprehend_text("Subject", "Body") == "Subject\n\nBody"
    long = comprehend_text("Subject", "word " * 5_000)
    assert len(long.encode("utf-8")) <= S.COMPREHEND_MAX_BYTES


# ------------------------------------------------------------------------------------------
# Quality functions
# ------------------------------------------------------------------------------------------
TRUTH = ["POSITIVE", "POSITIVE", "NEGATIVE", "NEGATIVE", "NEGATIVE", "NEUTRAL", "MIXED"]
PREDICTED = ["POSITIVE", "MIXED", "NEGATIVE", "NEGATIVE", "NEUTRAL", "NEUTRAL", "POSITIVE"]


def test_confusion_matrix_counts_truth_rows_and_predicted_columns() -> None:
    assert Q.confusion_matrix(TRUTH, PREDICTED) == (
        # POSITIVE, NEGATIVE, NEUTRAL, MIXED (predicted)
        (1, 0, 0, 1),  # truth POSITIVE
        (0, 2, 1, 0),  # truth NEGATIVE
        (0, 0, 1, 0),  # truth NEUTRAL
        (1, 0, 0, 0),  # truth MIXED
    )


def test_accuracy_precision_and_recall() -> None:
    report = Q.evaluate(TRUTH, PREDICTED)
    assert report.total == 7
    assert report.correct == 4
    assert report.accuracy == pytest.approx(4 / 7)
    assert Q.accuracy(TRUTH, PREDICTED) == pytest.approx(4 / 7)
    by_label = {q.label: q for q in report.per_label}
    assert by_label["POSITIVE"].precision == pytest.approx(1 / 2)
    assert by_label["POSITIVE"].recall == pytest.approx(1 / 2)
    assert by_label["NEGATIVE"].precision == pytest.approx(1.0)
    assert by_label["NEGATIVE"].recall == pytest.approx(2 / 3)
    assert by_label["NEUTRAL"].precision == pytest.approx(1 / 2)
    assert by_label["MIXED"].precision == 0.0
    assert by_label["MIXED"].recall == 0.0


def test_precision_of_a_never_predicted_label_is_undefined() -> None:
    report = Q.evaluate(["MIXED", "NEUTRAL"], ["NEUTRAL", "NEUTRAL"])
    mixed = next(q for q in report.per_label if q.label == "MIXED")
    assert mixed.predicted == 0
    assert mixed.precision is None
    assert "n/a" in Q.render_markdown(report, "t")


def test_quality_functions_reject_bad_input() -> None:
    with pytest.raises(ValueError):
        Q.confusion_matrix(["POSITIVE"], [])
    with pytest.raises(ValueError):
        Q.confusion_matrix(["POSITIVE"], ["HAPPY"])


def test_render_markdown() -> None:
    text = Q.render_markdown(Q.evaluate(TRUTH, PREDICTED), "Tiny set")
    assert text.startswith("### Tiny set")
    assert "Accuracy: **57.1%** (4 / 7)" in text
    assert "| truth \\ predicted | POSITIVE | NEGATIVE | NEUTRAL | MIXED |" in text
    assert "| **NEGATIVE** | 0 | 2 | 1 | 0 |" in text
    assert "| NEGATIVE | 3 | 2 | 100.0% | 66.7% |" in text


def test_vader_baseline_thresholds() -> None:
    predict = Q.vader_predictor()
    assert predict("This is great, thank you!") == "POSITIVE"
    assert predict("This is terrible and broken.") == "NEGATIVE"
    assert predict("The bucket is in us-east-1.") == "NEUTRAL"


def test_main_prints_markdown(capsys, tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    assert Q.main(["--generated", "40", "--seed", "3", "--seed-fixture", str(missing)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Offline sentiment quality (offline-vader-support/1)")
    assert "40 generated tickets (seed 3)" in out
    assert "plain vader" in out
    assert "Seed fixture not found: skipped." in out


# ------------------------------------------------------------------------------------------
# Quality floors (measured minus a margin)
# ------------------------------------------------------------------------------------------
def test_quality_floor_on_generated_tickets(analyzer) -> None:
    examples = Q.generated_examples(400, seed=11)
    tuned = Q.measure(examples, Q.tuned_predictor(analyzer))
    vader = Q.measure(examples, Q.vader_predictor())
    assert tuned.accuracy >= 0.90, Q.render_markdown(tuned, "generated")  # measured 97.8%
    assert tuned.accuracy >= vader.accuracy + 0.30  # plain vader: 43.3%
    for q in tuned.per_label:
        assert q.recall is not None and q.recall >= 0.80, q


def test_quality_floor_on_real_seed_tickets(analyzer) -> None:
    if not FIXTURE.is_file():
        pytest.skip(f"seed fixture missing: {FIXTURE}")
    examples = Q.seed_examples(FIXTURE)
    assert len(examples) == 100
    tuned = Q.measure(examples, Q.tuned_predictor(analyzer))
    vader = Q.measure(examples, Q.vader_predictor())
    assert tuned.accuracy >= 0.50, Q.render_markdown(tuned, "seed")  # measured 58%
    assert tuned.accuracy >= vader.accuracy + 0.15  # plain vader: 36%
