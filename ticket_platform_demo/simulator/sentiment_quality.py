"""How good is the offline sentiment analyser? Measured, on generated and on real tickets.

Two reference sets:

* generated tickets (``ticket_platform_demo.synthetic.generate_tickets``) against the generator's
  ``target_sentiment``, the tone each text was written to express;
* the seed system's 100 real processed tickets, whose ``sentiment`` is the real Amazon Comprehend
  label of the same text.

Both are scored with :class:`~ticket_platform_demo.simulator.sentiment.LexiconSentimentAnalyzer` and,
as a baseline, with plain off-the-shelf vader (compound >= 0.05 positive, <= -0.05 negative, else
neutral; it never says MIXED). Run::

    python -m ticket_platform_demo.simulator.sentiment_quality [--generated N] [--seed S]
        [--seed-fixture PATH]

It prints Markdown: accuracy, per-label precision / recall and a 4x4 confusion matrix (rows =
truth, columns = predicted, labels in the order POSITIVE, NEGATIVE, NEUTRAL, MIXED).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from ticket_platform_demo.simulator.sentiment import LABELS, LexiconSentimentAnalyzer
from ticket_platform_demo.simulator.sentiment_text import comprehend_text
from ticket_platform_demo.synthetic import generate_tickets

VADER_POSITIVE = 0.05  # vader's documented cut-offs on the compound score
VADER_NEGATIVE = -0.05
GENERATED_START, GENERATED_END = date(2025, 8, 1), date(2025, 8, 31)
_ROOT = Path(__file__).resolve().parents[2]
SEED_FIXTURES: tuple[Path, ...] = (
    _ROOT / "tests" / "fixtures" / "seed_processed_tickets.jsonl",
    _ROOT.parent / "shared" / "fixtures" / "seed_system" / "processed_tickets.jsonl",
)

Example = tuple[str, str]  # (text sent to the analyser, reference label)
Predictor = Callable[[str], str]


# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LabelQuality:
    label: str
    support: int  # reference items with this label
    predicted: int  # items predicted with this label
    correct: int

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.support if self.support else None


@dataclass(frozen=True)
class QualityReport:
    """Accuracy, per-label quality and the confusion matrix of one predictor on one set."""

    labels: tuple[str, ...]
    matrix: tuple[tuple[int, ...], ...]  # matrix[truth][predicted], in ``labels`` order

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.matrix)

    @property
    def correct(self) -> int:
        return sum(self.matrix[i][i] for i in range(len(self.labels)))

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def per_label(self) -> tuple[LabelQuality, ...]:
        return tuple(
            LabelQuality(
                label,
                support=sum(self.matrix[i]),
                predicted=sum(row[i] for row in self.matrix),
                correct=self.matrix[i][i],
            )
            for i, label in enumerate(self.labels)
        )


def confusion_matrix(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS
) -> tuple[tuple[int, ...], ...]:
    """Counts ``matrix[i][j]`` of items with true label ``labels[i]`` predicted ``labels[j]``."""
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} reference labels but {len(predicted)} predictions")
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for t, p in zip(truth, predicted, strict=True):
        if t not in index or p not in index:
            raise ValueError(f"unknown label in pair ({t!r}, {p!r}); expected one of {labels}")
        counts[index[t]][index[p]] += 1
    return tuple(tuple(row) for row in counts)


def evaluate(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS
) -> QualityReport:
    """The :class:`QualityReport` of ``predicted`` against ``truth``."""
    return QualityReport(tuple(labels), confusion_matrix(truth, predicted, labels))


def accuracy(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of items whose prediction equals the reference."""
    return evaluate(truth, predicted).accuracy


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------
def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def render_markdown(report: QualityReport, title: str) -> str:
    """A Markdown section: accuracy, per-label precision / recall, the confusion matrix."""
    lines = [
        f"### {title}",
        "",
        f"Accuracy: **{_pct(report.accuracy)}** ({report.correct} / {report.total})",
        "",
        "| label | support | predicted | precision | recall |",
        "|---|---:|---:|---:|---:|",
    ]
    for q in report.per_label:
        lines.append(
            f"| {q.label} | {q.support} | {q.predicted} | {_pct(q.precision)} | {_pct(q.recall)} |"
        )
    lines += [
        "",
        "| truth \\ predicted | " + " | ".join(report.labels) + " |",
        "|---|" + "---:|" * len(report.labels),
    ]
    for label, row in zip(report.labels, report.matrix, strict=True):
        lines.append(f"| **{label}** | " + " | ".join(str(n) for n in row) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Reference sets and predictors
# --------------------------------------------------------------------------------------------
def generated_examples(count: int, seed: int) -> list[Example]:
    """``count`` generated tickets as (Comprehend text, generator's target sentiment)."""
    return [
        (comprehend_text(t["subject"], t["description"]), t["target_sentiment"])
        for t in generate_tickets(count, seed, GENERATED_START, GENERATED_END)
    ]


def seed_examples(path: Path) -> list[Example]:
    """The seed system's real tickets as (Comprehend text, Comprehend's label)."""
    examples = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                ticket = json.loads(line)
                text = comprehend_text(ticket["subject"], ticket["description"])
                examples.append((text, ticket["sentiment"]))
    return examples


def find_seed_fixture(explicit: Path | None = None) -> Path | None:
    """``explicit`` if given, else the first seed fixture that exists (None if none does)."""
    candidates = (explicit,) if explicit is not None else SEED_FIXTURES
    return next((p for p in candidates if p is not None and p.is_file()), None)


def tuned_predictor(analyzer: LexiconSentimentAnalyzer | None = None) -> Predictor:
    """The offline analyser's label."""
    analyzer = analyzer or LexiconSentimentAnalyzer()
    return lambda text: analyzer.detect_sentiment(text)["Sentiment"]


def vader_predictor() -> Predictor:
    """Plain vader: compound >= 0.05 POSITIVE, <= -0.05 NEGATIVE, else NEUTRAL."""
    vader = SentimentIntensityAnalyzer()

    def predict(text: str) -> str:
        compound = vader.polarity_scores(text)["compound"]
        if compound >= VADER_POSITIVE:
            return "POSITIVE"
        if compound <= VADER_NEGATIVE:
            return "NEGATIVE"
        return "NEUTRAL"

    return predict


def measure(examples: Iterable[Example], predictor: Predictor) -> QualityReport:
    """Score ``predictor`` on ``examples``."""
    pairs = list(examples)
    return evaluate([truth for _, truth in pairs], [predictor(text) for text, _ in pairs])


def _timed_measure(examples: list[Example], predictor: Predictor) -> tuple[QualityReport, float]:
    start = time.perf_counter()
    report = measure(examples, predictor)
    return report, (time.perf_counter() - start) / max(1, len(examples))


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------
def _section(name: str, examples: list[Example], model_id: str) -> list[str]:
    tuned, per_ticket = _timed_measure(examples, tuned_predictor())
    vader = measure(examples, vader_predictor())
    return [
        f"## {name}",
        "",
        "| analyser | accuracy | ms / ticket |",
        "|---|---:|---:|",
        f"| {model_id} | {_pct(tuned.accuracy)} | {1000 * per_ticket:.3f} |",
        f"| plain vader (compound ±0.05) | {_pct(vader.accuracy)} | |",
        "",
        render_markdown(tuned, f"{model_id}: {name}"),
        "",
        render_markdown(vader, f"plain vader: {name}"),
        "",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Print the Markdown quality report; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--generated", type=int, default=2000, help="generated tickets (2000)")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (42)")
    parser.add_argument("--seed-fixture", type=Path, default=None, help="real seed tickets")
    args = parser.parse_args(argv)

    model_id = LexiconSentimentAnalyzer().model_id
    out = [f"# Offline sentiment quality ({model_id})", ""]
    if args.generated > 0:
        examples = generated_examples(args.generated, args.seed)
        name = f"{len(examples)} generated tickets (seed {args.seed}) vs target_sentiment"
        out += _section(name, examples, model_id)
    fixture = find_seed_fixture(args.seed_fixture)
    if fixture is None:
        out += ["## Real seed tickets", "", "Seed fixture not found: skipped.", ""]
    else:
        examples = seed_examples(fixture)
        name = f"{len(examples)} real seed tickets vs Comprehend's label ({fixture.name})"
        out += _section(name, examples, model_id)
    print("\n".join(out).rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
