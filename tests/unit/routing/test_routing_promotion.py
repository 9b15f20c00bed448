"""The promotion rule: a candidate worse than the current model by more than the tolerance is
blocked; no current model, or a candidate within the tolerance, is promoted."""

from __future__ import annotations

from ticket_platform.routing.model import score
from ticket_platform.routing.promotion import Comparison, decide

ACTUAL = ["a"] * 5 + ["b"] * 5
PERFECT = score(ACTUAL, ACTUAL)
ONE_WRONG = score(ACTUAL, ["b", *ACTUAL[1:]])
HALF_WRONG = score(ACTUAL, ["b"] * 10)


def test_the_first_model_is_promoted():
    assert decide(None, [], 0.01).promote


def test_a_worse_candidate_is_blocked_with_the_metrics_that_fell():
    decision = decide("v1", [Comparison("reference", HALF_WRONG, PERFECT)], 0.01)
    assert not decision.promote
    assert "reference accuracy 0.500 < current 1.000" in decision.reason
    assert "macro_f1" in decision.reason and "v1" in decision.reason


def test_worse_on_any_one_set_blocks():
    comparisons = [
        Comparison("fresh_holdout", PERFECT, PERFECT),
        Comparison("reference", ONE_WRONG, PERFECT),
    ]
    assert not decide("v1", comparisons, 0.05).promote
    assert decide("v1", comparisons, 0.15).promote  # within a looser tolerance


def test_an_equal_or_better_candidate_is_promoted():
    assert decide("v1", [Comparison("reference", PERFECT, PERFECT)], 0.0).promote
    decision = decide("v1", [Comparison("reference", PERFECT, ONE_WRONG)], 0.0)
    assert decision.promote and "not worse" in decision.reason


def test_nothing_to_compare_keeps_the_current_model():
    assert not decide("v1", [], 0.01).promote
