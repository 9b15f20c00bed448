"""The judge_facts bench suite's arithmetic: source groups, checkable TNR, caught-by-kind, targets."""

from __future__ import annotations

from bench.suites.judge_facts import (
    ALL_GROUP,
    caught_by_kind,
    checkable_pairs,
    group_of,
    groups_in_order,
    in_group,
    percentile,
    quality,
)
from bench.targets import targets

TECH = "technical_accuracy"
WRITER_D = "held-out, written by writer D"
WRITER_E = "held-out, written by writer E"


def _row(group: str, label: bool, judged: bool, kinds: tuple[str, ...] = ()) -> dict:
    return {
        "group": group,
        "labels": {TECH: label, "actionable_guidance": True},
        "judged": {TECH: judged, "actionable_guidance": True},
        "wrong_kinds": list(kinds),
    }


def test_sources_fall_into_seed_demo_and_one_group_per_writer():
    assert group_of("seed-system") == "seed"
    assert group_of("ticket-platform generate --count 400 --days 2 --seed 7") == "demo"
    assert group_of("ticket-platform simulate --tickets 400 (template-v2-flawed)") == "demo"
    assert group_of(f"{WRITER_D} (2026-12-06) for ticket-platform generate --seed 23") == WRITER_D
    assert group_of(f"{WRITER_E} (2026-12-07)") == WRITER_E
    rows = [_row(g, True, True) for g in (WRITER_E, "demo", WRITER_D, "seed", WRITER_D)]
    assert groups_in_order(rows) == ["seed", "demo", WRITER_D, WRITER_E, ALL_GROUP]
    assert len(in_group(rows, WRITER_D)) == 2 and len(in_group(rows, ALL_GROUP)) == 5


def test_checkable_tnr_counts_only_failures_with_a_checkable_kind():
    rows = [
        _row("seed", False, False, ("metric",)),  # checkable, caught
        _row("seed", False, True, ("cli_command", "behaviour")),  # checkable, missed
        _row("seed", False, True, ("behaviour",)),  # not checkable: left out
        _row("seed", True, True),  # correct reply: left out
    ]
    assert checkable_pairs(rows) == [(False, False), (True, False)]
    (seed,) = [q for g, q in quality(rows).items() if g == "seed"]
    assert seed["checkable"]["n"] == 2 and seed["checkable"]["tnr"] == 0.5
    assert seed["criteria"][TECH]["tnr"] == round(1 / 3, 4)  # every failure, checkable or not
    assert seed["criteria"][TECH]["tpr"] == 1.0


def test_every_wrong_detail_counts_as_caught_when_its_reply_fails():
    rows = [
        _row("demo", False, False, ("metric", "metric", "behaviour")),
        _row("demo", False, True, ("metric", "console_page")),
        _row("demo", True, True),
    ]
    assert caught_by_kind(rows) == {
        "behaviour": {"caught": 1, "missed": 0},
        "console_page": {"caught": 0, "missed": 1},
        "metric": {"caught": 2, "missed": 1},
    }


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.95) == 95.0
    assert percentile([3.0, 1.0, 2.0], 0.95) == 3.0
    assert percentile([7.0], 0.5) == 7.0


def _judge_facts_result(checkable_tnr: float, tpr: float, guidance: float, added: float) -> dict:
    def group(relevance_kappa: float) -> dict:
        criteria = {
            TECH: {"tpr": tpr},
            "actionable_guidance": {"kappa": guidance},
            "contextual_relevance": {"kappa": relevance_kappa},
        }
        return {"criteria": criteria, "checkable": {"n": 10, "tnr": checkable_tnr}}

    quality_by_group = {"seed": group(0.0), WRITER_D: group(0.75), ALL_GROUP: group(0.65)}
    return {"result": {"quality": quality_by_group, "latency": {"added_ms_per_reply": added}}}


def test_targets_per_held_out_writer_and_overall_not_for_development_sets():
    found = {t["target"]: t["met"] for t in targets({"judge_facts": _judge_facts_result(
        checkable_tnr=0.6, tpr=0.9, guidance=0.79, added=5.0)})}  # fmt: skip
    assert found == {
        f"rules judge technical_accuracy, {WRITER_D}": True,
        f"rules judge actionable_guidance kappa, {WRITER_D}": False,
        f"rules judge contextual_relevance kappa, {WRITER_D}": True,
        "rules judge technical_accuracy, every labelled reply": True,
        "rules judge actionable_guidance kappa, every labelled reply": False,
        "rules judge contextual_relevance kappa, every labelled reply": False,
        "rules judge: time the fact check adds per reply": True,
    }
    missed = targets({"judge_facts": _judge_facts_result(0.7, 0.89, 0.9, 5.1)})
    by_name = {t["target"]: t["met"] for t in missed}
    assert not by_name[f"rules judge technical_accuracy, {WRITER_D}"]  # TPR below 0.9
    assert not by_name["rules judge: time the fact check adds per reply"]
