"""The calibration table's intervals on DuckDB and PostgreSQL: stored as columns, added to a table
an older version created, and the stored tickets reference rows are joined to."""

from datetime import date

from ticket_platform.evaluation import store
from ticket_platform.evaluation.calibration import agreement_of, load_reference
from ticket_platform.evaluation.store_sql import CALIBRATION_TABLE, CALIBRATION_TYPES
from ticket_platform.ingest.tickets import load_partition

INTERVAL_COLUMNS = [
    "agreement_ci_low",
    "agreement_ci_high",
    "cohen_kappa_ci_low",
    "cohen_kappa_ci_high",
    "true_positive_rate_ci_low",
    "true_positive_rate_ci_high",
    "true_negative_rate_ci_low",
    "true_negative_rate_ci_high",
]
# evaluation.judge_calibration as the first release created it, with one row in it.
OLD_CALIBRATION_TYPES = {
    name: kind for name, kind in CALIBRATION_TYPES.items() if name not in INTERVAL_COLUMNS
}


def _tone(tp: int, tn: int, fp: int, fn: int):
    pairs = (
        [(True, True)] * tp + [(False, False)] * tn + [(True, False)] * fp + [(False, True)] * fn
    )
    return agreement_of("professional_tone", pairs)


def test_the_intervals_are_stored_as_low_and_high_columns(session):
    store.ensure_evaluation_tables(session)
    reference = load_reference("seed-nova-pro")
    agreements = [_tone(20, 15, 5, 10), agreement_of("technical_accuracy", [(True, True)] * 3)]
    store.write_calibration(session, store.calibration_rows(reference, "rules:x", agreements, "r"))
    rows = session.query(
        f"select criterion, {', '.join(INTERVAL_COLUMNS)} from {CALIBRATION_TABLE} "
        "order by criterion"
    )
    assert [tuple(row) for row in rows] == [
        ("professional_tone", 0.5625, 0.809, 0.146, 0.654, 0.4878, 0.8077, 0.5313, 0.8881),
        # every judge and label "pass": no kappa, no true-negative rate, so no interval either
        ("technical_accuracy", 0.4385, 1.0, None, None, 0.4385, 1.0, None, None),
    ]


def test_an_older_calibration_table_gains_the_interval_columns_and_keeps_its_rows(session):
    columns = ",\n    ".join(f"{name} {kind}" for name, kind in OLD_CALIBRATION_TYPES.items())
    session.execute("create schema if not exists evaluation")
    session.execute(f"create table {CALIBRATION_TABLE} (\n    {columns}\n)")
    session.execute(
        f"insert into {CALIBRATION_TABLE} (reference_set, judge, rubric_version, criterion, "
        "compared, agreement, both_pass, both_fail, judge_only_pass, reference_only_pass, "
        "computed_at) values ('old', 'rules:x', 'v0', 'professional_tone', 2, 0.5, 1, 0, 0, 1, "
        "'2026-01-01 00:00:00')"
    )
    assert not set(INTERVAL_COLUMNS) & store.table_columns(session, CALIBRATION_TABLE)

    store.ensure_evaluation_tables(session)
    store.ensure_evaluation_tables(session)  # idempotent: nothing left to add the second time

    assert set(CALIBRATION_TYPES) == store.table_columns(session, CALIBRATION_TABLE)
    reference = load_reference("seed-nova-pro")
    rows = store.calibration_rows(reference, "rules:x", [_tone(20, 15, 5, 10)], "new-run")
    store.write_calibration(session, rows)
    stored = session.query(
        f"select reference_set, agreement, agreement_ci_low, cohen_kappa_ci_high "
        f"from {CALIBRATION_TABLE} order by reference_set"
    )
    assert [tuple(row) for row in stored] == [
        ("old", 0.5, None, None),
        ("seed-nova-pro", 0.7, 0.5625, 0.654),
    ]


def test_stored_items_finds_loaded_tickets_by_id_and_nothing_before_any_load(session, seed_landing):
    assert store.stored_items(session, ["TKT-20250808-1046"]) == {}  # no ticket table yet
    load_partition(seed_landing, session, date(2025, 8, 8), run_id="test")
    found = store.stored_items(session, ["TKT-20250808-1046", "TKT-NOT-LOADED"])
    assert list(found) == ["TKT-20250808-1046"]
    item = found["TKT-20250808-1046"]
    assert item.response_text.strip() and item.product and item.priority
    assert len(store.stored_items(session, [f"TKT-{n}" for n in range(1200)])) == 0
