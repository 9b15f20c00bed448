"""An independent Python computation of what the dbt marts must hold (the processing SLA, the
evaluation marts), the dbt runner, and the checks that compare the two."""

from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from helpers.dbt_fixtures import (
    CRITERIA,
    DIMENSIONS,
    NOVA_JUDGE,
    PRODUCT_TEAMS_CSV,
    RULES_JUDGE,
    SLA_BUSINESS_DAYS,
    SLA_HOURS_HIGH,
)


# --------------------------------------------------------------------------------------------
# Independent computation of the processing-SLA rules (fct_tickets)
# --------------------------------------------------------------------------------------------
def expected_due_at(priority: str, submitted_at: datetime) -> datetime:
    if priority == "HIGH":
        return submitted_at + timedelta(hours=SLA_HOURS_HIGH)
    start = submitted_at
    if start.weekday() >= 5:  # Saturday or Sunday: start next Monday 00:00
        start = datetime.combine(start.date() + timedelta(days=7 - start.weekday()), time())
    due, remaining = start, SLA_BUSINESS_DAYS[priority]
    while remaining:  # walk day by day, counting Monday..Friday only
        due += timedelta(days=1)
        if due.weekday() < 5:
            remaining -= 1
    return due


def expected_breach(processed_at: datetime | None, due: datetime) -> bool:
    reference = processed_at or datetime.now(UTC).replace(tzinfo=None)
    return reference > due


# --------------------------------------------------------------------------------------------
# Independent computation of the evaluation marts
# --------------------------------------------------------------------------------------------
def product_teams() -> dict[str, str]:
    with PRODUCT_TEAMS_CSV.open(newline="", encoding="utf-8") as handle:
        return {row["product"]: row["team"] for row in csv.DictReader(handle)}


def evaluation_facts(
    records: list[dict[str, Any]], tickets: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each evaluation row with its ticket's day and breakdown values."""
    by_id = {t["ticket_id"]: t for t in tickets}
    teams = product_teams()
    facts = []
    for record in records:
        ticket = by_id[record["ticket_id"]]
        facts.append(
            {
                **record,
                "submitted_date": ticket["submitted_at"].date(),
                "product": ticket["product"],
                "issue_type": ticket["issue_type"],
                "priority": ticket["priority"],
                "sentiment": ticket["sentiment"],
                "team": teams.get(ticket["product"], "general support"),
            }
        )
    return facts


def _rate(passed: int, evaluated: int) -> float | None:
    return passed / evaluated if evaluated else None


def expected_daily_pass_rates(facts: list[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """(day, judge, rubric, dimension, value) -> counts and rates, over evaluated rows only."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for fact in facts:
        day = (fact["submitted_date"], fact["judge"], fact["rubric_version"])
        groups.setdefault((*day, "overall", "all"), []).append(fact)
        for dimension in DIMENSIONS:
            groups.setdefault((*day, dimension, fact[dimension]), []).append(fact)
    expected = {}
    for key, rows in groups.items():
        evaluated = [r for r in rows if r["status"] == "evaluated"]
        n = len(evaluated)
        values: dict[str, Any] = {
            "evaluation_count": len(rows),
            "evaluated_count": n,
            "failed_count": sum(r["status"] == "failed" for r in rows),
            "deferred_count": sum(r["status"] == "deferred" for r in rows),
        }
        for criterion in CRITERIA:
            passed = sum(bool(r[criterion]) for r in evaluated)
            values[f"{criterion}_passed_count"] = passed
            values[f"{criterion}_pass_rate"] = _rate(passed, n)
        passed_all = sum(all(r[c] for c in CRITERIA) for r in evaluated)
        values["all_criteria_passed_count"] = passed_all
        values["all_criteria_pass_rate"] = _rate(passed_all, n)
        expected[key] = values
    return expected


def expected_high_priority_failures(
    facts: list[dict[str, Any]],
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """(day, judge, rubric) -> HIGH-priority counts; failing = evaluated and not all passed."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for fact in facts:
        if fact["priority"] == "HIGH":
            key = (fact["submitted_date"], fact["judge"], fact["rubric_version"])
            groups.setdefault(key, []).append(fact)
    expected = {}
    for key, rows in groups.items():
        evaluated = [r for r in rows if r["status"] == "evaluated"]
        failing = sum(not all(r[c] for c in CRITERIA) for r in evaluated)
        expected[key] = {
            "ticket_count": len(rows),
            "evaluated_count": len(evaluated),
            "not_evaluated_count": len(rows) - len(evaluated),
            "failing_count": failing,
            "failing_share": _rate(failing, len(evaluated)),
        }
    return expected


# --------------------------------------------------------------------------------------------
# Checks shared by the engines
# --------------------------------------------------------------------------------------------
@dataclass
class MartRows:
    fct: dict[str, dict[str, Any]]  # ticket_id -> row
    volume: list[dict[str, Any]]


FCT_COLUMNS = [
    "ticket_id",
    "priority",
    "product",
    "sentiment",
    "submitted_at",
    "submitted_date",
    "processed_at",
    "response_latency_seconds",
    "processing_sla_target_description",
    "processing_sla_due_at",
    "is_processing_sla_breached",
    "customer_email_domain",
    "record_source",
]
VOLUME_COLUMNS = [
    "submitted_date",
    "product",
    "priority",
    "sentiment",
    "ticket_count",
    "median_response_latency_seconds",
    "processing_sla_breached_count",
]


def fetch_marts(cursor: Any, marts_schema: str) -> MartRows:
    # The processing SLA has its own column names: `is_sla_breached` / `sla_breached_count` mean
    # the help-desk SLAs (ticket_metrics, ticket_summary, ticket_breakdowns) everywhere.
    for mart, help_desk_name in (
        ("fct_tickets", "is_sla_breached"),
        ("daily_ticket_volume", "sla_breached_count"),
    ):
        cursor.execute(f"select * from {marts_schema}.{mart} where 1 = 0")
        assert help_desk_name not in {column[0] for column in cursor.description}, mart
    cursor.execute(f"select {', '.join(FCT_COLUMNS)} from {marts_schema}.fct_tickets")
    fct = {row[0]: dict(zip(FCT_COLUMNS, row, strict=True)) for row in cursor.fetchall()}
    cursor.execute(f"select {', '.join(VOLUME_COLUMNS)} from {marts_schema}.daily_ticket_volume")
    volume = [dict(zip(VOLUME_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    return MartRows(fct=fct, volume=volume)


def check_marts(marts: MartRows, tickets: list[dict[str, Any]]) -> None:
    assert len(marts.fct) == 100
    assert set(marts.fct) == {t["ticket_id"] for t in tickets}

    expected_breaches = 0
    for ticket in tickets:
        row = marts.fct[ticket["ticket_id"]]
        due = expected_due_at(ticket["priority"], ticket["submitted_at"])
        breached = expected_breach(ticket["processed_at"], due)
        expected_breaches += breached
        label = f"{ticket['ticket_id']} ({ticket.get('scenario', 'sample')}, {ticket['priority']})"
        assert row["processing_sla_due_at"] == due, label
        assert bool(row["is_processing_sla_breached"]) is breached, label
        assert row["submitted_date"] == ticket["submitted_at"].date(), label
        if ticket["processed_at"] is None:
            assert row["response_latency_seconds"] is None, label
        else:
            latency = (ticket["processed_at"] - ticket["submitted_at"]).total_seconds()
            assert float(row["response_latency_seconds"]) == pytest.approx(latency, abs=0.002), (
                label
            )
        assert (
            row["customer_email_domain"] == ticket["customer_email"].strip().lower().split("@")[1]
        )
        assert row["record_source"] == "seed_system"

    by_scenario = {t["scenario"]: marts.fct[t["ticket_id"]] for t in tickets if "scenario" in t}
    assert by_scenario["high_late"]["is_processing_sla_breached"]
    assert not by_scenario["high_on_time"]["is_processing_sla_breached"]
    assert by_scenario["medium_weekend_on_time"]["processing_sla_due_at"] == datetime(2025, 8, 13)
    assert not by_scenario["medium_weekend_on_time"]["is_processing_sla_breached"]
    assert by_scenario["medium_weekend_late"]["is_processing_sla_breached"]
    assert by_scenario["medium_friday_late"]["is_processing_sla_breached"]
    assert by_scenario["normal_open"]["is_processing_sla_breached"]
    assert by_scenario["normal_sunday"]["processing_sla_due_at"] == datetime(2025, 8, 14)
    assert by_scenario["high_late"]["processing_sla_target_description"] == "4 calendar hours"
    assert (
        by_scenario["medium_weekend_late"]["processing_sla_target_description"] == "2 business days"
    )
    assert by_scenario["normal_open"]["processing_sla_target_description"] == "3 business days"

    # daily_ticket_volume: accounts for every ticket and breach, medians per group.
    assert sum(int(r["ticket_count"]) for r in marts.volume) == 100
    assert sum(int(r["processing_sla_breached_count"]) for r in marts.volume) == expected_breaches
    groups: dict[tuple[Any, ...], list[float]] = {}
    for ticket in tickets:
        key = (
            ticket["submitted_at"].date(),
            ticket["product"],
            ticket["priority"],
            ticket["sentiment"],
        )
        latencies = groups.setdefault(key, [])
        if ticket["processed_at"] is not None:
            latencies.append((ticket["processed_at"] - ticket["submitted_at"]).total_seconds())
    assert len(marts.volume) == len(groups)
    for row in marts.volume:
        key = (row["submitted_date"], row["product"], row["priority"], row["sentiment"])
        latencies = groups[key]
        if latencies:
            assert float(row["median_response_latency_seconds"]) == pytest.approx(
                statistics.median(latencies), abs=0.002
            ), key
        else:
            assert row["median_response_latency_seconds"] is None, key


RATE_KEY = ["submitted_date", "judge", "rubric_version", "dimension", "dimension_value"]
RATE_VALUES = [
    "evaluation_count",
    "evaluated_count",
    "failed_count",
    "deferred_count",
    *(f"{c}_passed_count" for c in CRITERIA),
    "all_criteria_passed_count",
    *(f"{c}_pass_rate" for c in CRITERIA),
    "all_criteria_pass_rate",
]
HIGH_KEY = ["submitted_date", "judge", "rubric_version"]
HIGH_VALUES = [
    "ticket_count",
    "evaluated_count",
    "not_evaluated_count",
    "failing_count",
    "failing_share",
]


@dataclass
class EvaluationMarts:
    fct: list[dict[str, Any]]
    rates: dict[tuple[Any, ...], dict[str, Any]]
    high: dict[tuple[Any, ...], dict[str, Any]]


def _keyed(cursor: Any, sql: str, key: list[str], values: list[str]) -> dict[tuple, dict]:
    cursor.execute(sql)
    rows = [dict(zip(key + values, row, strict=True)) for row in cursor.fetchall()]
    keyed = {tuple(r[k] for k in key): {v: r[v] for v in values} for r in rows}
    assert len(keyed) == len(rows), "duplicate keys"
    return keyed


def fetch_evaluation_marts(cursor: Any, marts_schema: str) -> EvaluationMarts:
    columns = ["ticket_id", "judge", "status", "is_evaluated", "submitted_date", "product", "team"]
    cursor.execute(f"select {', '.join(columns)} from {marts_schema}.fct_response_evaluations")
    fct = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    rates = _keyed(
        cursor,
        f"select {', '.join(RATE_KEY + RATE_VALUES)} from {marts_schema}.evaluation_daily_pass_rates",
        RATE_KEY,
        RATE_VALUES,
    )
    high = _keyed(
        cursor,
        f"select {', '.join(HIGH_KEY + HIGH_VALUES)} "
        f"from {marts_schema}.evaluation_high_priority_failures",
        HIGH_KEY,
        HIGH_VALUES,
    )
    return EvaluationMarts(fct=fct, rates=rates, high=high)


def _assert_same_values(actual: dict[str, Any], expected: dict[str, Any], label: Any) -> None:
    for name, value in expected.items():
        if value is None:
            assert actual[name] is None, (label, name)
        elif isinstance(value, float):
            assert actual[name] is not None, (label, name)
            assert float(actual[name]) == pytest.approx(value, abs=1e-9), (label, name)
        else:
            assert int(actual[name]) == value, (label, name)


def check_evaluation_marts(
    marts: EvaluationMarts, records: list[dict[str, Any]], tickets: list[dict[str, Any]]
) -> None:
    facts = evaluation_facts(records, tickets)

    # fct_response_evaluations: every row, whatever its status, with the ticket's facts.
    assert len(marts.fct) == len(records) == 104
    by_key = {(r["ticket_id"], r["judge"]): r for r in marts.fct}
    for fact in facts:
        row = by_key[(fact["ticket_id"], fact["judge"])]
        assert row["status"] == fact["status"]
        assert bool(row["is_evaluated"]) is (fact["status"] == "evaluated")
        assert row["submitted_date"] == fact["submitted_date"]
        assert (row["product"], row["team"]) == (fact["product"], fact["team"])

    # evaluation_daily_pass_rates: every (day, judge, rubric, dimension, value), exactly.
    expected_rates = expected_daily_pass_rates(facts)
    assert set(marts.rates) == set(expected_rates)
    for key, expected in expected_rates.items():
        _assert_same_values(marts.rates[key], expected, key)

    # Pass rates per product of Nova Pro, summed over the days, from the reference labels.
    labels: dict[str, list[bool]] = {}
    for fact in facts:
        if fact["judge"] == NOVA_JUDGE:
            labels.setdefault(fact["product"], []).append(all(fact[c] for c in CRITERIA))
    for product, passes in labels.items():
        rows = [
            v
            for k, v in marts.rates.items()
            if k[1] == NOVA_JUDGE and k[3] == "product" and k[4] == product
        ]
        evaluated = sum(int(r["evaluated_count"]) for r in rows)
        passed = sum(int(r["all_criteria_passed_count"]) for r in rows)
        assert evaluated == len(passes), product
        assert passed / evaluated == pytest.approx(sum(passes) / len(passes)), product
    nova_overall = [v for k, v in marts.rates.items() if k[1] == NOVA_JUDGE and k[3] == "overall"]
    assert sum(int(r["evaluated_count"]) for r in nova_overall) == 100
    assert sum(int(r["all_criteria_passed_count"]) for r in nova_overall) == 91  # 9 fail

    # Failed and deferred rows count in neither passes nor failures: the rules judge's rates
    # come from its two evaluated rows (one passes all, one fails technical accuracy).
    (rules_overall,) = [
        v for k, v in marts.rates.items() if k[1] == RULES_JUDGE and k[3] == "overall"
    ]
    assert int(rules_overall["evaluation_count"]) == 4
    assert int(rules_overall["evaluated_count"]) == 2
    assert int(rules_overall["failed_count"]) == 1
    assert int(rules_overall["deferred_count"]) == 1
    assert float(rules_overall["all_criteria_pass_rate"]) == pytest.approx(0.5)
    assert float(rules_overall["technical_accuracy_pass_rate"]) == pytest.approx(0.5)
    assert float(rules_overall["contextual_relevance_pass_rate"]) == pytest.approx(1.0)

    # evaluation_high_priority_failures: exactly, and the share over the whole sample.
    expected_high = expected_high_priority_failures(facts)
    assert set(marts.high) == set(expected_high)
    for key, expected in expected_high.items():
        _assert_same_values(marts.high[key], expected, key)
    nova_high = [v for k, v in marts.high.items() if k[1] == NOVA_JUDGE]
    high_tickets = [t for t in tickets if t["priority"] == "HIGH"]
    assert sum(int(r["evaluated_count"]) for r in nova_high) == len(high_tickets) == 31
    assert sum(int(r["failing_count"]) for r in nova_high) == 3  # of 31 HIGH: 3 fail
    (rules_high,) = [v for k, v in marts.high.items() if k[1] == RULES_JUDGE]
    assert (int(rules_high["ticket_count"]), int(rules_high["not_evaluated_count"])) == (4, 2)
    assert int(rules_high["failing_count"]) == 1
    assert float(rules_high["failing_share"]) == pytest.approx(0.5)
