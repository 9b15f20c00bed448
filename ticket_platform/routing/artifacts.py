"""Fitted routing models in the lake (the landing folder or bucket), versioned by content hash.

Layout under ``models/routing/``::

    <version>/model.skops            the fitted pipeline (skops format: loading it runs no code)
    <version>/card.json              how it was trained and how it scored
    <version>/confusion_matrix.png   the holdout confusion matrix
    current.json                     the promoted version, when and why
    candidate.json                   the latest candidate and whether it may be promoted

``version`` is the first 16 hex digits of the SHA-256 of ``model.skops``; loading checks it, so a
model file that was altered or truncated is refused rather than served.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from zipfile import ZIP_DEFLATED

from sklearn.pipeline import Pipeline

from ticket_platform.ingest.landing import Landing
from ticket_platform.routing.model import Scores

MODELS_PREFIX = "models/routing"


class ModelNotFoundError(LookupError):
    """No promoted model yet, or a version the lake does not hold."""


@dataclass(frozen=True)
class ModelCard:
    """What a model version is: estimator, training data, scores. Stored beside the model."""

    version: str
    estimator: str
    trained_at: str  # ISO UTC
    trained_through: str | None  # submitted_at of the newest training ticket
    training_rows: int
    corrections_used: int
    feedback_through: str | None  # load time of the newest correction it learned from
    teams: list[str]
    holdout: dict[str, Any]  # Scores.as_dict() of the pipeline fit without the holdout
    estimators: dict[str, dict[str, float]]  # every estimator's holdout accuracy and macro-F1
    reference: dict[str, Any] | None = None  # Scores.as_dict() on the real reference tickets
    reference_masked_accuracy: float | None = None  # the same with product names masked
    training_fingerprint: str = ""  # dataset.training_fingerprint of its examples
    sklearn_version: str = ""
    run_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def holdout_scores(self) -> Scores:
        return Scores.from_dict(self.holdout)

    @property
    def reference_scores(self) -> Scores | None:
        return Scores.from_dict(self.reference) if self.reference else None

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode()

    @staticmethod
    def from_json(body: bytes) -> ModelCard:
        return ModelCard(**json.loads(body))


def content_version(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:16]


def _plain_vocabularies(model: Pipeline) -> Pipeline:
    """Vocabulary indices as Python ints: skops writes each NumPy scalar as its own array in the
    zip, which takes minutes for a 50,000-term vocabulary (and seconds as plain ints)."""
    for _, vectorizer in model.named_steps["features"].transformer_list:
        vectorizer.vocabulary_ = {term: int(i) for term, i in vectorizer.vocabulary_.items()}
    return model


def _missing(error: Exception) -> bool:
    if isinstance(error, FileNotFoundError):
        return True
    code = getattr(error, "response", {}).get("Error", {}).get("Code")
    return code in ("NoSuchKey", "404", "NotFound")


class ModelStore:
    """Save, load and promote model versions in one lake."""

    def __init__(self, landing: Landing, prefix: str = MODELS_PREFIX):
        self.landing = landing
        self.prefix = prefix
        self._loaded: dict[str, tuple[Pipeline, ModelCard]] = {}

    @property
    def pointer_key(self) -> str:
        return f"{self.prefix}/current.json"

    @property
    def candidate_key(self) -> str:
        return f"{self.prefix}/candidate.json"

    def key(self, version: str, name: str) -> str:
        return f"{self.prefix}/{version}/{name}"

    def uri(self, version: str, name: str = "model.skops") -> str:
        return f"{self.landing.uri}/{self.key(version, name)}"

    def save(self, model: Pipeline, card: ModelCard) -> ModelCard:
        """Store the model and its card; the card's version is set to the model's content hash.

        Saving the same bytes again rewrites the same two files: nothing is duplicated.
        """
        body = _skops().dumps(_plain_vocabularies(model), compression=ZIP_DEFLATED, compresslevel=6)
        version = content_version(body)
        card = ModelCard(**{**asdict(card), "version": version})
        self.landing.write(self.key(version, "model.skops"), body)
        self.landing.write(self.key(version, "card.json"), card.to_json())
        return card

    def write_file(self, version: str, name: str, body: bytes) -> str:
        self.landing.write(self.key(version, name), body)
        return self.uri(version, name)

    def card(self, version: str) -> ModelCard:
        return ModelCard.from_json(self._read(self.key(version, "card.json"), version))

    def load(self, version: str) -> tuple[Pipeline, ModelCard]:
        """The fitted model and its card; refuses a file whose hash is not its version."""
        if version not in self._loaded:
            body = self._read(self.key(version, "model.skops"), version)
            if content_version(body) != version:
                raise ValueError(
                    f"{self.uri(version)} does not match its version (content hash "
                    f"{content_version(body)}): the file was altered; retrain or restore it"
                )
            # trusted=None: only types skops knows to be safe are loaded, nothing is executed.
            model = _skops().loads(body, trusted=None)
            self._loaded[version] = (model, self.card(version))
        return self._loaded[version]

    def current_version(self) -> str | None:
        pointer = self._pointer()
        return pointer["version"] if pointer else None

    def current(self) -> tuple[Pipeline, ModelCard]:
        version = self.current_version()
        if version is None:
            raise ModelNotFoundError(
                f"no routing model has been promoted in {self.landing.uri}/{self.prefix} yet: "
                "train one with `ticket-platform run` (or materialize routing/route_model)"
            )
        return self.load(version)

    def promote(self, version: str, decision: str) -> dict[str, Any]:
        self.card(version)  # refuse to point at a version that is not stored
        pointer = {
            "version": version,
            "promoted_at": datetime.now(UTC).isoformat(),
            "decision": decision,
            "previous": self.current_version(),
        }
        self.landing.write(self.pointer_key, json.dumps(pointer, indent=2).encode())
        return pointer

    def propose(self, version: str, approved: bool, reason: str) -> None:
        """Record the latest candidate and the promotion decision on it."""
        proposal = {"version": version, "approved": approved, "reason": reason}
        self.landing.write(self.candidate_key, json.dumps(proposal, indent=2).encode())

    def approved_candidate(self) -> dict[str, Any]:
        """The latest candidate, if it was approved; raises with the reason when it was not."""
        proposal = self._pointer(self.candidate_key)
        if proposal is None:
            raise ModelNotFoundError(
                f"no candidate in {self.landing.uri}/{self.prefix}: materialize "
                "routing/route_model_candidate first"
            )
        if not proposal["approved"]:
            raise PermissionError(
                f"candidate {proposal['version']} was not approved for promotion: "
                f"{proposal['reason']}"
            )
        return proposal

    def _pointer(self, key: str | None = None) -> dict[str, Any] | None:
        try:
            return json.loads(self.landing.read(key or self.pointer_key))
        except Exception as error:
            if _missing(error):
                return None
            raise

    def _read(self, key: str, version: str) -> bytes:
        try:
            return self.landing.read(key)
        except Exception as error:
            if _missing(error):
                raise ModelNotFoundError(
                    f"model version {version} is not in {self.landing.uri}/{self.prefix}"
                ) from error
            raise


def _skops():
    """skops.io, imported when a model is saved or loaded: its import takes about 2.5 s (it
    collects the scikit-learn types it trusts), which every process that loads the code location
    (each run's, the code server's, the command line's) would otherwise pay, routing or not."""
    import skops.io

    return skops.io
