"""Evaluation rows in the warehouse, on DuckDB and PostgreSQL: merge, cache, verdicts, statuses."""

from datetime import date

from ticket_platform.evaluation import store
from ticket_platform.evaluation.calibration import agreement_of, load_reference
from ticket_platform.evaluation.rubric import EvaluationItem
from ticket_platform.evaluation.rules import RulesJudge
from ticket_platform.evaluation.runner import RunLimits, evaluate
from ticket_platform.evaluation.store_sql import CALIBRATION_TABLE, EVALUATIONS_TABLE

DAY = date(2025, 8, 8)


def _items(response: str = "Hello,\n\nPlease open the console.\n\nBest regards") -> list:
    return [
        EvaluationItem(ticket_id=f"T-{n}", product="AWS Lambda", response_text=response)
        for n in range(3)
    ]


def test_rows_round_trip_and_a_rerun_replaces_instead_of_duplicating(session):
    store.ensure_evaluation_tables(session)
    judge = RulesJudge()
    run = evaluate(_items(), judge, partition_date=DAY, limits=RunLimits(concurrency=2))
    assert store.write_evaluations(session, run.rows) == 3

    cached = store.cached_keys(session, "rules:rules-v4", day=DAY)
    assert cached == {row["ticket_id"]: row["cache_key"] for row in run.rows}
    assert store.cached_keys(session, "rules:rules-v4", day=date(2025, 8, 9)) == {}

    edited = _items(response="Hey! It's fine.")
    second = evaluate(edited, judge, partition_date=DAY, cached=cached)
    store.write_evaluations(session, second.rows)
    [(count,)] = session.query(f"select count(*) from {EVALUATIONS_TABLE}")
    assert count == 3
    [(tone,)] = session.query(
        f"select count(*) from {EVALUATIONS_TABLE} where professional_tone = false"
    )
    assert tone == 3

    verdicts = store.stored_verdicts(session, "rules:rules-v4", ["T-0"], table=EVALUATIONS_TABLE)
    assert set(verdicts) == {"T-0"} and verdicts["T-0"]
    assert store.partition_status_counts(session, [DAY]) == {"evaluated": 3}


def test_failed_rows_are_stored_with_their_error_and_are_not_cache_hits(session):
    store.ensure_evaluation_tables(session)
    row = evaluate(_items()[:1], RulesJudge(), partition_date=DAY).rows[0]
    failed = {**row, "status": "failed", "error": "JudgeReplyError: bad", "all_passed": None}
    store.write_evaluations(session, [failed])
    assert store.cached_keys(session, "rules:rules-v4", day=DAY) == {}
    assert store.partition_status_counts(session, [DAY]) == {"failed": 1}
    flagged = {**row, "ticket_id": "T-9", "flags": '["steering: x"]', "flag_count": 1}
    store.write_evaluations(session, [flagged])
    assert store.partition_status_counts(session, [DAY]) == {
        "failed": 1,
        "evaluated": 1,
        "flagged": 1,
    }


def test_calibration_rows_replace_the_previous_result(session):
    store.ensure_evaluation_tables(session)
    reference = load_reference("seed-nova-pro")
    agreements = [agreement_of("professional_tone", [(True, True), (False, True)])]
    for run_id in ("run-1", "run-2"):
        rows = store.calibration_rows(reference, "rules:rules-v4", agreements, run_id)
        store.write_calibration(session, rows)
    assert session.query(f"select run_id, agreement, compared from {CALIBRATION_TABLE}") == [
        ("run-2", 0.5, 2)
    ]
