"""Confidence intervals of the calibration statistics, the human-label check built on them, and
reference rows without their reply: rejected row by row, or joined to the stored ticket."""

import math

import pytest

from ticket_platform.evaluation.calibration import agreement_of, compare, load_reference
from ticket_platform.evaluation.calibration_check import human_agreement_result
from ticket_platform.evaluation.calibration_stats import Z_95, kappa_interval, wilson_interval
from ticket_platform.evaluation.report import agreement_table
from ticket_platform.evaluation.rubric import CRITERIA, Criterion, EvaluationItem


def pairs(tp: int, tn: int, fp: int, fn: int) -> list[tuple[bool, bool]]:
    """(judge, reference) pairs with the given 2x2 table; "pass" is positive."""
    return [(True, True)] * tp + [(False, False)] * tn + [(True, False)] * fp + [(False, True)] * fn


# Wilson intervals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "trials", "expected"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion", table I
        (81, 263, (0.2553, 0.3662)),
        (15, 148, (0.0624, 0.1605)),
        (0, 20, (0.0, 0.1611)),
        (1, 29, (0.0061, 0.1718)),
    ],
)
def test_wilson_interval_matches_published_values(successes, trials, expected):
    assert wilson_interval(successes, trials) == expected


def test_wilson_interval_at_zero_and_all_successes_has_the_closed_form_bound():
    # p = 0: lower 0, upper z^2 / (n + z^2) = 3.8415 / 13.8415 = 0.2775 for n = 10
    upper = round(Z_95**2 / (10 + Z_95**2), 4)
    assert wilson_interval(0, 10) == (0.0, upper) == (0.0, 0.2775)
    assert wilson_interval(10, 10) == (round(1 - upper, 4), 1.0)


def test_wilson_interval_is_none_without_trials_and_refuses_impossible_counts():
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


# Kappa intervals ----------------------------------------------------------------------------


def test_kappa_interval_of_a_hand_computed_table():
    # tp=20 tn=15 fp=5 fn=10, n=50: p_o = 0.70, p_e = 0.50, kappa = 0.40
    # SE = sqrt(0.7 * 0.3 / (50 * 0.5^2)) = sqrt(0.0168) = 0.12961; 1.96 * SE = 0.25404
    low, high = kappa_interval(tp=20, tn=15, fp=5, fn=10)
    assert (low, high) == (0.146, 0.654)
    assert high - low == pytest.approx(2 * Z_95 * math.sqrt(0.0168), abs=2e-4)


def test_kappa_interval_is_clipped_to_minus_one_and_one_and_none_where_kappa_is_undefined():
    assert kappa_interval(tp=30, tn=2, fp=1, fn=0)[1] == 1.0  # kappa 0.78 + 1.96 SE > 1
    assert kappa_interval(tp=0, tn=1, fp=10, fn=10)[0] == -1.0
    assert kappa_interval(tp=10, tn=0, fp=0, fn=0) is None  # chance agreement 1
    assert kappa_interval(0, 0, 0, 0) is None


def test_agreement_of_carries_the_four_intervals_around_its_estimates():
    result = agreement_of("professional_tone", pairs(tp=20, tn=15, fp=5, fn=10))
    assert result.agreement_ci == wilson_interval(35, 50) == (0.5625, 0.809)
    assert result.cohen_kappa_ci == (0.146, 0.654)
    assert result.true_positive_rate_ci == wilson_interval(20, 30)
    assert result.true_negative_rate_ci == wilson_interval(15, 20)
    for value, (low, high) in [
        (result.agreement, result.agreement_ci),
        (result.cohen_kappa, result.cohen_kappa_ci),
        (result.true_positive_rate, result.true_positive_rate_ci),
        (result.true_negative_rate, result.true_negative_rate_ci),
    ]:
        assert low < value < high


def test_no_interval_where_there_is_nothing_to_estimate():
    constant = agreement_of("x", pairs(tp=10, tn=0, fp=0, fn=0))
    assert constant.cohen_kappa_ci is None and constant.true_negative_rate_ci is None
    assert constant.agreement_ci == (0.7225, 1.0)
    empty = agreement_of("x", [])
    assert (empty.agreement_ci, empty.true_positive_rate_ci) == (None, None)


def test_the_markdown_table_shows_each_statistic_with_its_interval():
    table = agreement_table([agreement_of("professional_tone", pairs(20, 15, 5, 10))])
    row = next(line for line in table.splitlines() if line.startswith("| professional_tone"))
    assert "70% [56%, 81%]" in row and "0.40 [0.15, 0.65]" in row
    assert "67% [49%, 81%]" in row and "75% [53%, 89%]" in row
    assert "confidence interval" in table


# The human-label check ----------------------------------------------------------------------


def test_the_check_passes_a_small_set_whose_interval_still_reaches_the_threshold():
    # 3 of 5 agree: 60 % < 80 %, but the interval (23 %, 88 %) does not rule 80 % out
    small = agreement_of("professional_tone", pairs(tp=2, tn=1, fp=1, fn=1))
    result = human_agreement_result([small], min_agreement=0.8)
    assert result.passed
    assert result.metadata["uncertain_criteria"].value == ["professional_tone"]
    assert result.metadata["failing_criteria"].value == []
    assert "Too few labels" in result.description


def test_the_check_fails_a_criterion_whose_whole_interval_is_below_the_threshold():
    # 60 of 100 agree: the interval (50 %, 69 %) is entirely below 80 %
    poor = agreement_of("professional_tone", pairs(tp=40, tn=20, fp=20, fn=20))
    good = agreement_of("actionable_guidance", pairs(tp=60, tn=38, fp=1, fn=1))
    result = human_agreement_result([poor, good], min_agreement=0.8)
    assert not result.passed
    assert result.metadata["failing_criteria"].value == ["professional_tone"]
    assert result.metadata["lowest_agreement_upper_bound"].value == poor.agreement_ci[1] < 0.8
    intervals = result.metadata["intervals"].value
    assert intervals["actionable_guidance"]["cohen_kappa_ci"] == list(good.cohen_kappa_ci)
    assert result.severity.value == "WARN"


def test_the_check_fails_when_nothing_could_be_compared():
    result = human_agreement_result([agreement_of("professional_tone", [])], min_agreement=0.8)
    assert not result.passed and "No criterion" in result.description


# Rows without their reply -------------------------------------------------------------------


def test_a_csv_without_response_text_is_rejected_row_by_row(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text(
        "ticket_id,professional_tone,actionable_guidance\nT-1,yes,no\nT-2,no,\nT-3,pass,fail\n"
    )
    reference = load_reference(str(path))
    assert reference.items == () and reference.joined == ()
    assert reference.rejected == tuple(
        f"line {line}: ticket_id T-{n}: no response_text (the reply to grade)"
        for line, n in [(2, 1), (3, 2), (4, 3)]
    )


def test_a_blank_reply_is_rejected_while_rows_with_a_reply_are_kept(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text(
        "ticket_id,response_text,professional_tone\nT-1,Hello.,yes\nT-2,   ,no\n,Hi.,yes\n"
    )
    reference = load_reference(str(path))
    assert [labelled.item.ticket_id for labelled in reference.items] == ["T-1"]
    assert reference.rejected == (
        "line 3: ticket_id T-2: no response_text (the reply to grade)",
        "line 4: no ticket_id",
    )


def test_rows_without_a_reply_are_joined_to_the_stored_ticket_and_reported(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text(
        "ticket_id,response_text,professional_tone\n"
        "T-1,,yes\n"  # stored: joined
        "T-2,Own reply.,no\n"  # carries its reply: kept as written, not looked up
        "T-3,,no\n"  # not stored
        "T-4,,yes\n"  # stored without a reply
    )
    stored = {
        "T-1": EvaluationItem(ticket_id="T-1", product="AWS Lambda", response_text="Stored."),
        "T-2": EvaluationItem(ticket_id="T-2", response_text="Not this one."),
        "T-4": EvaluationItem(ticket_id="T-4", response_text=""),
    }
    asked: list[list[str]] = []

    def lookup(ticket_ids):
        asked.append(sorted(ticket_ids))
        return {key: stored[key] for key in ticket_ids if key in stored}

    reference = load_reference(str(path), stored=lookup)
    assert asked == [["T-1", "T-3", "T-4"]]
    assert reference.joined == ("T-1",)
    by_id = {labelled.item.ticket_id: labelled for labelled in reference.items}
    assert by_id["T-1"].item == stored["T-1"]
    assert by_id["T-1"].labels == {Criterion.professional_tone: True}
    assert by_id["T-2"].item.response_text == "Own reply."
    assert reference.rejected == (
        "line 4: ticket_id T-3: no response_text and no stored ticket of that id",
        "line 5: ticket_id T-4: no response_text, and the stored ticket has none",
    )
    judged = {"T-1": {c: True for c in CRITERIA}, "T-2": {c: False for c in CRITERIA}}
    tone = next(a for a in compare(judged, reference) if a.criterion == "professional_tone")
    assert tone.compared == 2 and tone.agreement == 1.0


def test_a_mapping_of_stored_tickets_works_like_a_lookup(tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_text('{"ticket_id": "T-1", "labels": {"technical_accuracy": false}}\n')
    stored = {"T-1": EvaluationItem(ticket_id="T-1", response_text="Stored.")}
    reference = load_reference(str(path), stored=stored)
    assert reference.joined == ("T-1",) and reference.rejected == ()
    assert reference.items[0].item.response_text == "Stored."


def test_the_builtin_reference_needs_no_lookup():
    def refuse(ticket_ids):
        raise AssertionError(f"looked up {ticket_ids}")

    reference = load_reference("seed-nova-pro", stored=refuse)
    assert len(reference.items) == 100 and reference.joined == () and reference.rejected == ()
