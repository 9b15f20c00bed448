"""Calibration maths on small known tables, and reading reference sets."""

import pytest

from ticket_platform.evaluation.calibration import (
    agreement_of,
    cohen_kappa,
    compare,
    load_reference,
)
from ticket_platform.evaluation.rubric import CRITERIA, Criterion


def pairs(tp: int, tn: int, fp: int, fn: int) -> list[tuple[bool, bool]]:
    """(judge, reference) pairs with the given 2x2 table; "pass" is positive."""
    return [(True, True)] * tp + [(False, False)] * tn + [(True, False)] * fp + [(False, True)] * fn


def test_agreement_kappa_and_rates_of_a_known_table():
    # observed 35/50 = 0.70; chance = (25*30 + 25*20) / 50^2 = 0.50; kappa = 0.2 / 0.5 = 0.40
    result = agreement_of("professional_tone", pairs(tp=20, tn=15, fp=5, fn=10))
    assert result.compared == 50
    assert result.agreement == 0.7
    assert result.cohen_kappa == 0.4
    assert result.true_positive_rate == pytest.approx(20 / 30, abs=1e-4)
    assert result.true_negative_rate == 0.75
    assert (result.judge_pass_rate, result.reference_pass_rate) == (0.5, 0.6)


def test_kappa_is_zero_at_chance_negative_below_and_undefined_for_constant_labels():
    assert cohen_kappa(tp=25, tn=25, fp=25, fn=25) == 0.0
    assert cohen_kappa(tp=0, tn=0, fp=10, fn=10) == -1.0
    assert cohen_kappa(tp=10, tn=0, fp=0, fn=0) is None  # both always "pass": chance = 1
    assert cohen_kappa(0, 0, 0, 0) is None
    constant = agreement_of("x", pairs(tp=10, tn=0, fp=0, fn=0))
    assert constant.agreement == 1.0 and constant.true_negative_rate is None


def test_the_builtin_reference_is_the_seed_systems_100_nova_pro_verdicts():
    reference = load_reference("seed-nova-pro")
    assert len(reference.items) == 100 and reference.rejected == ()
    assert "nova-pro" in reference.labelled_by
    tone = [labelled.labels[Criterion.professional_tone] for labelled in reference.items]
    assert sum(tone) == 97


def test_bad_reference_rows_are_reported_not_dropped(tmp_path):
    path = tmp_path / "human.jsonl"
    path.write_text(
        '{"ticket_id": "A", "response_text": "Hi.", "labels": {"professional_tone": true}}\n'
        "not json\n"
        '{"ticket_id": "B", "response_text": "Hi."}\n'
        '{"ticket_id": "C", "professional_tone": "maybe"}\n'
        '{"ticket_id": "A", "professional_tone": false}\n'
    )
    reference = load_reference(str(path))
    assert [labelled.item.ticket_id for labelled in reference.items] == ["A"]
    assert [reason.split(":")[0] for reason in reference.rejected] == [
        "line 2",
        "line 3",
        "line 4",
        "line 5",
    ]
    assert "not a pass/fail label" in reference.rejected[2]
    assert "duplicate ticket_id A" in reference.rejected[3]


def test_a_csv_reference_with_partial_labels_compares_only_what_is_labelled(tmp_path):
    path = tmp_path / "human.csv"
    path.write_text(
        "ticket_id,response_text,professional_tone,actionable_guidance,labelled_by\n"
        "A,Hello.,yes,no,ana\n"
        "B,Hey!,no,,ana\n"
    )
    reference = load_reference(str(path))
    assert reference.labelled_by == "ana" and len(reference.items) == 2
    judged = {
        "A": {c: True for c in CRITERIA},
        "B": {c: False for c in CRITERIA},
    }
    by_criterion = {a.criterion: a for a in compare(judged, reference)}
    assert by_criterion["professional_tone"].compared == 2
    assert by_criterion["professional_tone"].agreement == 1.0
    assert by_criterion["actionable_guidance"].compared == 1
    assert by_criterion["actionable_guidance"].judge_only_pass == 1
    assert by_criterion["contextual_relevance"].compared == 0
    assert by_criterion["contextual_relevance"].agreement is None


def test_an_unknown_reference_name_says_what_exists():
    with pytest.raises(FileNotFoundError, match="seed-nova-pro"):
        load_reference("no-such-reference")
