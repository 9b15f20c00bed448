"""`ticket-platform route --text ...`: the promoted model's team and probability, or a clear error."""

from __future__ import annotations

import json

import pytest
from helpers.routing_tickets import fixed_tickets
from typer.testing import CliRunner

from ticket_platform.cli.main import app
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.routing.artifacts import ModelStore
from ticket_platform.routing.training import train_candidate

runner = CliRunner()


@pytest.fixture
def lake(tmp_path, monkeypatch):
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TICKET_LANDING_URI", str(tmp_path / "lake"))
    return tmp_path / "lake"


def test_route_prints_the_team_and_its_probability(lake):
    store = ModelStore(LocalLanding(lake))
    candidate = train_candidate(store, fixed_tickets(), [], holdout_share=0.25, tolerance=0.01)
    store.promote(candidate.version, candidate.decision.reason)

    result = runner.invoke(app, ["route", "--text", "the bucket policy denies PutObject"])
    assert result.exit_code == 0, result.output
    team, probability = result.stdout.strip().split("\t")
    assert team == "storage" and probability.endswith("%")

    result = runner.invoke(
        app, ["route", "--subject", "Replica lag", "--text", "max_connections", "--json"]
    )
    answer = json.loads(result.stdout)
    assert answer["model_version"] == candidate.version
    assert answer["teams"][0]["team"] == "databases"
    assert len(answer["teams"]) == 3
    probabilities = [t["probability"] for t in answer["teams"]]
    assert probabilities == sorted(probabilities, reverse=True) and sum(probabilities) <= 1.0001


def test_route_without_a_promoted_model_says_how_to_get_one(lake):
    result = runner.invoke(app, ["route", "--text", "anything"])
    assert result.exit_code == 1
    assert "no routing model has been promoted" in result.output
    assert "ticket-platform run" in result.output
