"""The dbt project spells the event contract the way ``ticket_platform.contracts`` does.

Event names, milestones and help-desk statuses are listed in dbt (accepted values, the
``lifecycle_milestones`` seed); a contract change that misses them makes ``dbt build`` fail on
the first real event (it did once: five new help-desk events against an old list). These tests
fail first.
"""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from ticket_platform.contracts import EventName, HelpdeskStatus, Milestone
from ticket_platform.contracts.events import MILESTONE_OF_EVENT, WORKFLOW_EVENTS

DBT = Path(__file__).resolve().parents[2] / "dbt_project"


def _column_tests(model_yml: Path, model: str, column: str) -> list:
    document = yaml.safe_load(model_yml.read_text(encoding="utf-8"))
    (entry,) = [m for m in document["models"] if m["name"] == model]
    (spec,) = [c for c in entry["columns"] if c["name"] == column]
    return spec.get("data_tests", [])


def _accepted_values(model_yml: Path, model: str, column: str) -> set[str]:
    for test in _column_tests(model_yml, model, column):
        if isinstance(test, dict) and "accepted_values" in test:
            return set(test["accepted_values"]["arguments"]["values"])
    raise AssertionError(f"{model}.{column} has no accepted_values test")


def _milestone_rows() -> dict[str, dict[str, str]]:
    with (DBT / "seeds" / "lifecycle_milestones.csv").open(newline="", encoding="utf-8") as f:
        return {row["milestone"]: row for row in csv.DictReader(f)}


def test_stg_ticket_events_accepts_every_event_name_of_the_contract() -> None:
    stg = DBT / "models" / "staging" / "stg_ticket_events.yml"
    assert _accepted_values(stg, "stg_ticket_events", "event_name") == {str(e) for e in EventName}


def test_stg_ticket_events_accepts_every_help_desk_status() -> None:
    stg = DBT / "models" / "staging" / "stg_ticket_events.yml"
    accepted = _accepted_values(stg, "stg_ticket_events", "helpdesk_status")
    assert accepted == {str(s) for s in HelpdeskStatus}


def test_the_milestone_seed_has_one_row_per_milestone_with_the_right_source() -> None:
    rows = _milestone_rows()
    assert set(rows) == {str(m) for m in Milestone}
    for event, milestone in MILESTONE_OF_EVENT.items():
        expected = "workflow" if event in WORKFLOW_EVENTS else "helpdesk"
        assert rows[str(milestone)]["milestone_source"] == expected, milestone


def test_every_prerequisite_is_a_milestone_that_comes_earlier() -> None:
    rows = _milestone_rows()
    for name, row in rows.items():
        prerequisite = row["prerequisite_milestone"]
        if prerequisite:
            assert prerequisite in rows, name
            assert int(rows[prerequisite]["stage_order"]) < int(row["stage_order"]), name
