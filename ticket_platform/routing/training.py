"""One training run: label, train, score, store the candidate and decide on its promotion.

Plain functions over a ``ModelStore`` and rows already read from the warehouse, so the whole
train-and-promote loop is tested without Dagster.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sklearn
from sklearn.pipeline import Pipeline

from ticket_platform.routing.artifacts import ModelCard, ModelStore
from ticket_platform.routing.dataset import (
    Correction,
    Example,
    TrainingDataError,
    check_trainable,
    label_tickets,
    latest_corrections,
    mask_product_names,
    reference_examples,
    routing_text,
    time_split,
    training_fingerprint,
)
from ticket_platform.routing.model import (
    ESTIMATORS,
    MIN_TRAINING_TICKETS,
    Prediction,
    Scores,
    TrainingResult,
    predict,
    score_model,
    train,
)
from ticket_platform.routing.promotion import MIN_COMPARED_ROWS, Comparison, Decision, decide
from ticket_platform.routing.report import confusion_png


@dataclass(frozen=True)
class Candidate:
    card: ModelCard
    decision: Decision
    confusion_uri: str
    current_version: str | None = None  # the promoted model it was compared with
    unchanged: bool = False  # nothing new to learn: the card is the promoted model's

    @property
    def version(self) -> str:
        return self.card.version


@dataclass(frozen=True)
class TrainingSet:
    """The labelled examples a training run would learn from, and what was left out."""

    examples: list[Example]
    staged: int  # tickets read from the warehouse
    reference_left_out: int  # of them, reference tickets: scored on, never trained on

    def problem(self, holdout_share: float, minimum: int = MIN_TRAINING_TICKETS) -> str | None:
        """Why these examples cannot train a router (too few, one instant, one team), or None."""
        try:
            check_trainable(*time_split(self.examples, holdout_share), minimum)
        except TrainingDataError as error:
            return f"{self._counts()}: {error}"
        return None

    def _counts(self) -> str:
        counts = f"{_tickets(len(self.examples), 'trainable')} of {self.staged:,} staged"
        if self.reference_left_out:
            counts += (
                f" ({_tickets(self.reference_left_out, 'reference')} of the seed system, "
                "never trained on)"
            )
        return counts


def _tickets(count: int, kind: str) -> str:
    return f"{count:,} {kind} ticket{'' if count == 1 else 's'}"


def training_set(
    tickets: Iterable[Mapping],
    corrections: Sequence[Correction],
    reference: Sequence[Example] | None = None,
) -> TrainingSet:
    """``tickets`` labelled (corrections override), the reference tickets left out."""
    rows = list(tickets)
    reference_ids = {
        e.ticket_id for e in (reference_examples() if reference is None else reference)
    }
    examples = label_tickets(rows, latest_corrections(corrections), exclude=reference_ids)
    left_out = sum(row["ticket_id"] in reference_ids for row in rows)
    return TrainingSet(examples, len(rows), left_out)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _naive(value: str | None) -> datetime | None:
    """A card's naive-UTC timestamp back as a datetime (None stays None)."""
    return datetime.fromisoformat(value) if value else None


def train_candidate(
    store: ModelStore,
    tickets: Iterable[Mapping],
    corrections: Sequence[Correction],
    *,
    holdout_share: float,
    tolerance: float,
    run_id: str | None = None,
    reference: Sequence[Example] | None = None,
) -> Candidate:
    """Train on ``tickets`` (corrections override their labels), store the model in the lake,
    and decide whether it may replace the promoted one.

    Raises ``TrainingDataError`` (before anything is stored) when the tickets cannot train a
    router; its message says why.
    """
    reference = list(reference_examples() if reference is None else reference)
    data = training_set(tickets, corrections, reference)
    problem = data.problem(holdout_share)
    if problem is not None:
        raise TrainingDataError(problem)
    examples = data.examples
    fingerprint = training_fingerprint(examples, holdout_share, ESTIMATORS)
    current_version = store.current_version()
    if current_version is not None:
        current_card = store.card(current_version)
        if current_card.training_fingerprint == fingerprint:
            reason = f"no new tickets or corrections since model {current_version}: it stays"
            png = store.uri(current_version, "confusion_matrix.png")
            return Candidate(current_card, Decision(True, reason), png, current_version, True)

    result = train(examples, holdout_share)
    reference_scores = score_model(result.model, reference) if reference else None
    card = store.save(
        result.model,
        model_card(result, examples, corrections, reference, reference_scores, fingerprint, run_id),
    )
    png = confusion_png(result.scores, f"routing model {card.version}: holdout confusion")
    confusion_uri = store.write_file(card.version, "confusion_matrix.png", png)
    if current_version == card.version:
        decision = Decision(True, "the same model as the promoted one (identical content)")
    else:
        comparisons = (
            _comparisons(store, current_version, result, reference, reference_scores)
            if current_version is not None
            else []
        )
        decision = decide(current_version, comparisons, tolerance)
    return Candidate(card, decision, confusion_uri, current_version)


def model_card(
    result: TrainingResult,
    examples: Sequence[Example],
    corrections: Sequence[Correction],
    reference: Sequence[Example],
    reference_scores: Scores | None,
    fingerprint: str,
    run_id: str | None,
) -> ModelCard:
    """The card of a freshly trained model (its version is set when the store saves it)."""
    masked = [
        Example(e.ticket_id, None, mask_product_names(e.text), e.team, e.label_source)
        for e in reference
    ]
    newest_ticket = max((e.submitted_at for e in examples if e.submitted_at), default=None)
    newest_load = max((c.loaded_at for c in corrections if c.loaded_at), default=None)
    return ModelCard(
        version="",  # set by ModelStore.save to the content hash
        estimator=result.estimator,
        trained_at=datetime.now(UTC).isoformat(),
        trained_through=_iso(newest_ticket),
        training_rows=result.training_rows,
        corrections_used=sum(e.label_source == "correction" for e in examples),
        feedback_through=_iso(newest_load),
        teams=[str(team) for team in result.model.classes_],
        holdout=result.scores.as_dict(),
        estimators={
            name: {"accuracy": s.accuracy, "macro_f1": s.macro_f1}
            for name, s in result.holdout_scores.items()
        },
        reference=reference_scores.as_dict() if reference_scores else None,
        reference_masked_accuracy=score_model(result.model, masked).accuracy if masked else None,
        training_fingerprint=fingerprint,
        sklearn_version=sklearn.__version__,
        run_id=run_id,
    )


def _comparisons(
    store: ModelStore,
    current_version: str,
    result: TrainingResult,
    reference: Sequence[Example],
    reference_scores: Scores | None,
) -> list[Comparison]:
    """Candidate and current model on the tickets neither learned from (``promotion``)."""
    current_model, current_card = store.load(current_version)
    since = _naive(current_card.trained_through)
    fresh = [
        e for e in result.holdout if since is None or (e.submitted_at and e.submitted_at > since)
    ]
    comparisons = []
    if len(fresh) >= MIN_COMPARED_ROWS:
        candidate = score_model(result.holdout_model, fresh)
        comparisons.append(
            Comparison("fresh_holdout", candidate, score_model(current_model, fresh))
        )
    if reference_scores is not None:
        current = score_model(current_model, reference)
        comparisons.append(Comparison("reference", reference_scores, current))
    return comparisons


def route_rows(
    version: str,
    predictions: Sequence[Prediction],
    tickets: Sequence[tuple[str, date]],
    run_id: str | None,
) -> list[dict]:
    """``routing.ticket_routes`` rows of (ticket_id, partition date) and their predictions."""
    predicted_at = datetime.now(UTC).replace(tzinfo=None)
    return [
        {
            "ticket_id": ticket_id,
            "partition_date": day,
            "model_version": version,
            "predicted_team": p.team,
            "probability": p.probability,
            "runner_up_team": p.runner_up,
            "runner_up_probability": p.runner_up_probability,
            "predicted_at": predicted_at,
            "run_id": run_id,
        }
        for (ticket_id, day), p in zip(tickets, predictions, strict=True)
    ]


def model_version_row(candidate: Candidate, artifact_uri: str, status: str) -> dict:
    """The ``routing.model_versions`` row of a candidate."""
    card = candidate.card
    holdout = card.holdout_scores
    reference: Scores | None = card.reference_scores
    trained_at = datetime.fromisoformat(card.trained_at).astimezone(UTC).replace(tzinfo=None)
    return {
        "model_version": card.version,
        "estimator": card.estimator,
        "artifact_uri": artifact_uri,
        "trained_at": trained_at,
        "trained_through": _naive(card.trained_through),
        "training_rows": card.training_rows,
        "corrections_used": card.corrections_used,
        "holdout_rows": holdout.rows,
        "holdout_accuracy": holdout.accuracy,
        "holdout_macro_f1": holdout.macro_f1,
        "reference_rows": reference.rows if reference else 0,
        "reference_accuracy": reference.accuracy if reference else None,
        "reference_macro_f1": reference.macro_f1 if reference else None,
        "status": status,
        "decision": candidate.decision.reason[:4000],
        "promoted_at": None,
        "run_id": card.run_id,
    }


def predict_texts(
    model: Pipeline, subjects_and_descriptions: Sequence[tuple[str | None, str | None]]
) -> list[Prediction]:
    """Predictions for (subject, description) pairs, read as the model was trained to."""
    return predict(model, [routing_text(s, d) for s, d in subjects_and_descriptions])
