"""Models in the lake: content-hash versions, safe loading, the promotion pointer (local, S3)."""

from __future__ import annotations

import json

import boto3
import pytest
from helpers.routing_tickets import fixed_tickets
from moto import mock_aws

from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.ingest.s3_landing import S3Landing
from ticket_platform.routing.artifacts import ModelCard, ModelNotFoundError, ModelStore
from ticket_platform.routing.dataset import label_tickets
from ticket_platform.routing.model import train


@pytest.fixture(scope="module")
def trained():
    return train(label_tickets(fixed_tickets(), {}), holdout_share=0.25)


def model_card(result) -> ModelCard:
    return ModelCard(
        version="",
        estimator=result.estimator,
        trained_at="2025-03-11T00:00:00+00:00",
        trained_through="2025-03-10T18:00:00",
        training_rows=result.training_rows,
        corrections_used=0,
        feedback_through=None,
        teams=list(result.model.classes_),
        holdout=result.scores.as_dict(),
        estimators={},
    )


def _roundtrip(store: ModelStore, trained) -> None:
    card = store.save(trained.model, model_card(trained))
    assert len(card.version) == 16
    assert store.current_version() is None
    with pytest.raises(ModelNotFoundError, match="no routing model has been promoted"):
        store.current()

    store.promote(card.version, "first model")
    model, loaded = ModelStore(store.landing).current()  # a fresh store: read from the lake
    assert loaded == card
    texts = ["bucket policy denies PutObject", "max_connections on the database"]
    assert list(model.predict(texts)) == list(trained.model.predict(texts))
    assert loaded.holdout_scores.accuracy == trained.scores.accuracy


def test_a_saved_model_loads_back_and_predicts_the_same(tmp_path, trained):
    _roundtrip(ModelStore(LocalLanding(tmp_path)), trained)
    files = sorted(p.name for p in (tmp_path / "models" / "routing").rglob("*") if p.is_file())
    assert files == ["card.json", "current.json", "model.skops"]


def test_models_are_stored_in_s3_the_same_way(trained):
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="lake")
        _roundtrip(ModelStore(S3Landing(s3, "lake", "prod")), trained)
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="lake")["Contents"]]
        assert "prod/models/routing/current.json" in keys


def test_an_altered_model_file_is_refused(tmp_path, trained):
    store = ModelStore(LocalLanding(tmp_path))
    card = store.save(trained.model, model_card(trained))
    path = tmp_path / "models" / "routing" / card.version / "model.skops"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ValueError, match="does not match its version"):
        ModelStore(LocalLanding(tmp_path)).load(card.version)


def test_promotion_needs_a_stored_version_and_keeps_the_previous_one(tmp_path, trained):
    store = ModelStore(LocalLanding(tmp_path))
    with pytest.raises(ModelNotFoundError, match="not in"):
        store.promote("0123456789abcdef", "typo")
    first = store.save(trained.model, model_card(trained))
    store.promote(first.version, "first")
    pointer = store.promote(first.version, "again")
    assert pointer["previous"] == first.version
    saved = json.loads((tmp_path / "models" / "routing" / "current.json").read_text())
    assert saved["version"] == first.version and saved["decision"] == "again"


def test_only_an_approved_candidate_can_be_promoted(tmp_path):
    store = ModelStore(LocalLanding(tmp_path))
    with pytest.raises(ModelNotFoundError, match="no candidate"):
        store.approved_candidate()
    store.propose("abc", False, "worse on reference")
    with pytest.raises(PermissionError, match="worse on reference"):
        store.approved_candidate()
    store.propose("def", True, "not worse")
    assert store.approved_candidate()["version"] == "def"
