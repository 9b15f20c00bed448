"""The routing model: TF-IDF word and character n-grams under two estimators, trained and scored.

``train`` fits a multinomial naive Bayes baseline and a logistic regression on the older tickets
of a time split, scores both on the newest ones, keeps the better (macro-F1; ties go to the
logistic regression, whose probabilities are better calibrated), then refits the winner on every
labelled ticket: the artifact learns from the newest tickets and corrections too, while its
reported holdout scores are those of the same pipeline fit without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import FeatureUnion, Pipeline

from ticket_platform.routing.dataset import Example, check_trainable, time_split

Estimator = Literal["logistic_regression", "naive_bayes"]
ESTIMATORS: tuple[Estimator, ...] = ("logistic_regression", "naive_bayes")  # tie-break order
MIN_TRAINING_TICKETS = 20


def build_features() -> FeatureUnion:
    """Word 1-2-grams and character 2-5-grams (within words, so "EC2", "ECR" and typos still
    share features), sublinear TF-IDF."""
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    sublinear_tf=True, ngram_range=(1, 2), min_df=2, max_features=200_000
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    sublinear_tf=True,
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    min_df=2,
                    max_features=300_000,
                ),
            ),
        ]
    )


def build_classifier(estimator: Estimator) -> Any:
    if estimator == "naive_bayes":
        return MultinomialNB(alpha=0.1)
    if estimator == "logistic_regression":
        # Logistic regression fit by SGD: as accurate as lbfgs here and ~8x faster on n-grams.
        return SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=100, random_state=0)
    raise ValueError(f"unknown estimator {estimator!r}; use one of {', '.join(ESTIMATORS)}")


def build_pipeline(estimator: Estimator) -> Pipeline:
    """The features, then the estimator."""
    return Pipeline([("features", build_features()), ("classifier", build_classifier(estimator))])


@dataclass(frozen=True)
class TeamScores:
    precision: float
    recall: float
    f1: float
    support: int  # tickets of this team in the scored set


@dataclass(frozen=True)
class Scores:
    """How a model did on one labelled set."""

    rows: int
    accuracy: float
    macro_f1: float
    teams: dict[str, TeamScores]
    labels: list[str]  # rows and columns of the confusion matrix
    confusion: list[list[int]]  # [actual][predicted]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "teams": {team: vars(s) for team, s in self.teams.items()},
            "labels": self.labels,
            "confusion": self.confusion,
        }

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Scores:
        return Scores(
            rows=data["rows"],
            accuracy=data["accuracy"],
            macro_f1=data["macro_f1"],
            teams={team: TeamScores(**s) for team, s in data["teams"].items()},
            labels=list(data["labels"]),
            confusion=[list(row) for row in data["confusion"]],
        )


def score(actual: Sequence[str], predicted: Sequence[str]) -> Scores:
    """Accuracy, macro-F1 (over the teams present in either list), per-team scores, confusion."""
    if not actual:
        raise ValueError("nothing to score: the labelled set is empty")
    labels = sorted(set(actual) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        actual, predicted, labels=labels, zero_division=0
    )
    teams = {
        team: TeamScores(float(p), float(r), float(f), int(s))
        for team, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    return Scores(
        rows=len(actual),
        accuracy=float(accuracy_score(actual, predicted)),
        macro_f1=float(
            f1_score(actual, predicted, labels=labels, average="macro", zero_division=0)
        ),
        teams=teams,
        labels=labels,
        confusion=confusion_matrix(actual, predicted, labels=labels).tolist(),
    )


def score_model(model: Pipeline, examples: Sequence[Example]) -> Scores:
    return score([e.team for e in examples], list(model.predict([e.text for e in examples])))


@dataclass(frozen=True)
class Prediction:
    team: str
    probability: float
    runner_up: str | None
    runner_up_probability: float | None


PREDICT_CHUNK = 5_000  # texts per predict_proba call: bounds the n-gram matrix in memory


def predict(model: Pipeline, texts: Sequence[str]) -> list[Prediction]:
    """The most probable team of each text, with its probability and the runner-up."""
    out: list[Prediction] = []
    for start in range(0, len(texts), PREDICT_CHUNK):
        out += _predict_chunk(model, texts[start : start + PREDICT_CHUNK])
    return out


def _predict_chunk(model: Pipeline, texts: Sequence[str]) -> list[Prediction]:
    probabilities = model.predict_proba(list(texts))
    classes = model.classes_
    order = np.argsort(-probabilities, axis=1)
    out = []
    for row, ranked in zip(probabilities, order, strict=True):
        second = ranked[1] if len(ranked) > 1 else None
        out.append(
            Prediction(
                team=str(classes[ranked[0]]),
                probability=float(row[ranked[0]]),
                runner_up=str(classes[second]) if second is not None else None,
                runner_up_probability=float(row[second]) if second is not None else None,
            )
        )
    return out


def rank_teams(model: Pipeline, text: str, top: int = 3) -> list[tuple[str, float]]:
    """The ``top`` most probable teams of one text, most probable first."""
    probabilities = model.predict_proba([text])[0]
    order = np.argsort(-probabilities)[:top]
    return [(str(model.classes_[i]), float(probabilities[i])) for i in order]


@dataclass
class TrainingResult:
    estimator: Estimator
    model: Pipeline  # the winner refit on every example: the artifact
    holdout_model: Pipeline  # the winner fit on the training split only: for fair comparisons
    train: list[Example]
    holdout: list[Example]
    holdout_scores: dict[str, Scores]  # per estimator
    training_rows: int = field(init=False)

    def __post_init__(self) -> None:
        self.training_rows = len(self.train) + len(self.holdout)

    @property
    def scores(self) -> Scores:
        return self.holdout_scores[self.estimator]


def train(
    examples: Sequence[Example],
    holdout_share: float = 0.2,
    estimators: Sequence[Estimator] = ESTIMATORS,
    minimum: int = MIN_TRAINING_TICKETS,
) -> TrainingResult:
    """Fit each estimator on the older tickets, keep the best on the newest, refit it on all."""
    train_set, holdout = time_split(examples, holdout_share)
    check_trainable(train_set, holdout, minimum)
    # One feature fit serves every estimator: the n-grams are most of the training time.
    features = build_features()
    matrix = features.fit_transform([e.text for e in train_set])
    held_out = features.transform([e.text for e in holdout])
    labels = [e.team for e in train_set]
    fitted: dict[str, Pipeline] = {}
    scores: dict[str, Scores] = {}
    for estimator in estimators:
        classifier = build_classifier(estimator).fit(matrix, labels)
        fitted[estimator] = Pipeline([("features", features), ("classifier", classifier)])
        scores[estimator] = score([e.team for e in holdout], list(classifier.predict(held_out)))
    del matrix, held_out  # the refit below builds its own: never hold both in memory
    best = max(estimators, key=lambda e: (scores[e].macro_f1, -estimators.index(e)))
    every = [*train_set, *holdout]
    final = build_pipeline(best).fit([e.text for e in every], [e.team for e in every])
    return TrainingResult(best, final, fitted[best], train_set, holdout, scores)
