"""Training, scoring and predicting on a small fixed training set (no Dagster, no warehouse)."""

from __future__ import annotations

import pytest
from helpers.routing_tickets import fixed_tickets

from ticket_platform.routing.dataset import TrainingDataError, label_tickets, time_split
from ticket_platform.routing.model import predict, score, score_model, train


def test_a_small_fixed_set_trains_a_router_that_reads_service_vocabulary():
    examples = label_tickets(fixed_tickets(), {})
    result = train(examples, holdout_share=0.25)

    assert result.estimator in ("logistic_regression", "naive_bayes")
    assert set(result.holdout_scores) == {"logistic_regression", "naive_bayes"}
    assert result.scores.accuracy == 1.0  # the holdout repeats the training templates
    assert result.training_rows == len(examples) == 48
    assert sorted(result.model.classes_) == [
        "databases", "networking", "security & identity", "storage"
    ]  # fmt: skip
    # Texts the set never contained, in each team's vocabulary, without product names.
    unseen = [
        "the lifecycle rule on our bucket deleted objects",
        "replica lag on the postgres database keeps growing",
        "the route table sends the subnet to the wrong NAT gateway",
        "the trust policy blocks AssumeRole for the CI role",
    ]
    predictions = predict(result.model, unseen)
    assert [p.team for p in predictions] == [
        "storage", "databases", "networking", "security & identity"
    ]  # fmt: skip
    for p in predictions:
        assert 0.25 < p.probability <= 1.0
        assert p.runner_up is not None and p.runner_up != p.team
        assert p.runner_up_probability <= p.probability


def test_the_time_split_holds_out_the_newest_tickets():
    examples = label_tickets(fixed_tickets(), {})
    train_set, holdout = time_split(examples, 0.25)
    assert len(holdout) == 12
    assert max(e.submitted_at for e in train_set) < min(e.submitted_at for e in holdout)


def test_scores_match_a_hand_count():
    actual = ["a", "a", "a", "b", "b", "c"]
    predicted = ["a", "a", "b", "b", "c", "c"]
    s = score(actual, predicted)
    assert s.accuracy == pytest.approx(4 / 6)
    assert s.teams["a"].precision == 1.0 and s.teams["a"].recall == pytest.approx(2 / 3)
    assert s.teams["b"].precision == pytest.approx(1 / 2) and s.teams["b"].recall == pytest.approx(
        1 / 2
    )
    assert s.teams["c"].precision == pytest.approx(1 / 2) and s.teams["c"].recall == 1.0
    f1 = [2 * 1 * (2 / 3) / (1 + 2 / 3), 0.5, 2 * 0.5 * 1 / 1.5]
    assert s.macro_f1 == pytest.approx(sum(f1) / 3)
    assert s.labels == ["a", "b", "c"]
    assert s.confusion == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]


def test_too_few_tickets_or_a_single_team_is_a_clear_error():
    tickets = fixed_tickets()
    with pytest.raises(TrainingDataError, match="at least 20"):
        train(label_tickets(tickets[:10], {}), holdout_share=0.2)
    one_team = [t for t in fixed_tickets(per_template=8) if t["product"] == "Amazon S3"]
    with pytest.raises(TrainingDataError, match="at least 2"):
        train(label_tickets(one_team, {}), holdout_share=0.2)


def test_score_model_reports_on_the_examples_given():
    examples = label_tickets(fixed_tickets(), {})
    result = train(examples, holdout_share=0.25)
    scores = score_model(result.holdout_model, result.holdout)
    assert scores.rows == len(result.holdout)
    assert sum(map(sum, scores.confusion)) == scores.rows


def test_the_artifact_is_refit_on_the_newest_tickets_too():
    tickets = fixed_tickets()
    last = max(t["submitted_at"] for t in tickets)
    for n in range(6):  # a team that only appears in the newest tickets
        tickets.append(
            {
                "ticket_id": f"TKT-ML-{n}",
                "submitted_at": last.replace(hour=23, minute=n),
                "subject": "Training job fails on the notebook instance",
                "description": "The SageMaker training job and endpoint fail after the model update.",
                "product": "Amazon SageMaker",
            }
        )
    result = train(label_tickets(tickets, {}), holdout_share=0.25)
    assert "machine learning" in result.model.classes_
    assert "machine learning" not in result.holdout_model.classes_
