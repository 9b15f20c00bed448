"""Too little to train on is a reason to skip, never a crash: empty, single and one-instant sets,
and the seed system's 100 real tickets (the reference set, never trained on)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from helpers.routing_tickets import fixed_tickets

from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.routing.artifacts import ModelStore
from ticket_platform.routing.dataset import Example, TrainingDataError, label_tickets, time_split
from ticket_platform.routing.model import MIN_TRAINING_TICKETS, train
from ticket_platform.routing.training import train_candidate, training_set

NOON = datetime(2025, 8, 8, 12)


def _example(n: int, at: datetime | None = NOON, team: str = "storage") -> Example:
    return Example(f"TKT-{n:04d}", at, f"bucket policy denies uploads {n}", team, "product")


def _seed_rows(seed_lines: list[bytes]) -> list[dict]:
    fields = ("ticket_id", "submitted_at", "subject", "description", "product")
    rows = []
    for line in seed_lines:
        ticket = json.loads(line)
        row = {name: ticket.get(name) for name in fields}
        row["submitted_at"] = datetime.fromisoformat(row["submitted_at"])
        rows.append(row)
    return rows


def test_the_time_split_of_nothing_is_two_empty_sides():
    assert time_split([], 0.2) == ([], [])


def test_one_ticket_is_held_out_and_nothing_is_left_to_train_on():
    only = _example(1)
    assert time_split([only], 0.2) == ([], [only])


def test_tickets_of_one_instant_are_all_held_out_together():
    same_time = [_example(n) for n in range(30)]
    train_set, holdout = time_split(same_time, 0.2)
    assert train_set == [] and len(holdout) == 30


def test_tickets_without_a_submission_time_split_without_error():
    undated = [_example(n, at=None) for n in range(5)]
    train_set, holdout = time_split(undated, 0.2)
    assert train_set == [] and len(holdout) == 5


@pytest.mark.parametrize(
    "examples",
    [
        [],
        [_example(1)],
        [_example(n, team=("storage", "databases")[n % 2]) for n in range(40)],  # one instant
    ],
    ids=["empty", "single", "one-instant"],
)
def test_training_on_too_little_raises_a_training_data_error(examples):
    with pytest.raises(TrainingDataError):
        train(examples, holdout_share=0.2)


def test_the_seed_systems_real_tickets_are_not_trainable_and_the_reason_says_why(seed_lines):
    data = training_set(_seed_rows(seed_lines), [])
    assert (len(data.examples), data.staged, data.reference_left_out) == (0, 100, 100)
    problem = data.problem(holdout_share=0.2)
    assert problem is not None
    assert problem.startswith("0 trainable tickets of 100 staged")
    assert "100 reference tickets" in problem and f"at least {MIN_TRAINING_TICKETS}" in problem


def test_a_single_reference_ticket_is_counted_in_the_singular(seed_lines):
    problem = training_set(_seed_rows(seed_lines[:1]), []).problem(holdout_share=0.2)
    assert problem is not None
    assert problem.startswith("0 trainable tickets of 1 staged (1 reference ticket of the seed")


def test_one_instant_is_named_as_the_reason():
    tickets = [
        {**t, "submitted_at": NOON} for t in fixed_tickets()
    ]  # 48 tickets, four teams, one instant
    problem = training_set(tickets, [], reference=[]).problem(holdout_share=0.2)
    assert problem is not None and "one instant" in problem


def test_enough_tickets_over_several_times_and_teams_are_trainable():
    assert training_set(fixed_tickets(), [], reference=[]).problem(holdout_share=0.25) is None


def test_a_candidate_on_the_reference_tickets_alone_is_refused_before_anything_is_stored(
    tmp_path, seed_lines
):
    models = ModelStore(LocalLanding(tmp_path / "lake"))
    with pytest.raises(TrainingDataError, match="0 trainable tickets of 100 staged"):
        train_candidate(models, _seed_rows(seed_lines), [], holdout_share=0.2, tolerance=0.0)
    assert models.current_version() is None
    assert not (tmp_path / "lake").exists() or not any((tmp_path / "lake").rglob("*"))


def test_labelled_examples_of_a_trainable_set_are_those_train_uses():
    examples = label_tickets(fixed_tickets(), {})
    assert training_set(fixed_tickets(), [], reference=[]).examples == examples
