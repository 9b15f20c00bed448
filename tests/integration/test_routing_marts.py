"""The routing marts on crafted predictions, against an independent Python reference.

One ``dbt build`` per engine (DuckDB, PostgreSQL) of ``fct_ticket_routes`` and
``routing_quality`` (and everything upstream) over tickets, lifecycle events, predictions of two
model versions (one promoted, one blocked), model versions and analysts' corrections written by
hand into the source tables:

* the actual team is the latest correction (a ticket corrected twice, a tie on ``corrected_at``
  broken by the later load), else the product's team from the seed (``general support`` for an
  unlisted product, none for a null product or a ticket missing from raw.tickets);
* a correction of a ticket that has no prediction appears nowhere in the marts;
* the help desk's latest assignment is carried beside the prediction;
* ``routing_quality`` counts, recall, precision and mean probability per day, model and team.

The expected rows are computed here from the inputs, not read back from the SQL; both engines
must return exactly these rows (floats rounded to 6 places). One scenario: its hand-written rows,
its reference computation and its test read best side by side, so the file stays whole.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from helpers.dbt_warehouse import DbtWarehouse

from ticket_platform.contracts.events import MILESTONE_OF_EVENT, WORKFLOW_EVENTS
from ticket_platform.ingest.events_sql import EVENT_STAGING_COLUMNS, EVENTS_TABLE
from ticket_platform.ingest.tickets_sql import STAGING_COLUMNS, TICKETS_TABLE
from ticket_platform.routing.sql import (
    FEEDBACK_COLUMNS,
    FEEDBACK_TABLE,
    MODEL_VERSION_COLUMNS,
    MODEL_VERSIONS_TABLE,
    ROUTE_COLUMNS,
    ROUTES_TABLE,
)

# stg_tickets requires a product (the ticket contract does); the null-product ticket here checks
# that the routing marts still handle one, so that single test is left out of the build.
SELECTION = ("+fct_ticket_routes", "+routing_quality")
EXCLUDED = "not_null_stg_tickets_product"
LOADED_AT = datetime(2025, 9, 3, 6, 0)
DAY_1, DAY_2 = date(2025, 9, 1), date(2025, 9, 2)
PROMOTED, BLOCKED = "mv-promoted-1a2b", "mv-blocked-3c4d"
SEED_TEAMS = {  # the rows of seeds/product_teams.csv the tickets below use
    "Amazon EC2": "compute",
    "AWS Lambda": "compute",
    "Amazon S3": "storage",
    "Amazon RDS": "databases",
    "Amazon VPC": "networking",
    "Amazon EKS": "containers",
}
EVENT_OF_MILESTONE = {str(m): str(e) for e, m in MILESTONE_OF_EVENT.items()}


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    day: date
    product: str | None

    @property
    def submitted_at(self) -> datetime:
        return datetime.combine(self.day, datetime.min.time()) + timedelta(hours=9)


TICKETS = [
    Ticket("RT-1", DAY_1, "Amazon EC2"),
    Ticket("RT-2", DAY_1, "Amazon S3"),
    Ticket("RT-3", DAY_1, "AWS Lambda"),
    Ticket("RT-4", DAY_1, "Quantum Widget"),  # not in the seed: general support
    Ticket("RT-5", DAY_2, None),  # no product, never corrected: not judged
    Ticket("RT-6", DAY_2, "Amazon RDS"),
    Ticket("RT-7", DAY_2, "Amazon VPC"),  # corrected twice
    Ticket("RT-8", DAY_2, "Amazon EKS"),  # corrected, but never predicted
]
# RT-9 has predictions and a correction but is missing from raw.tickets (partition DAY_2).

# (ticket, model version, predicted team, probability, runner-up team, runner-up probability)
ROUTES = [
    ("RT-1", PROMOTED, "compute", 0.9, "storage", 0.05),
    ("RT-2", PROMOTED, "storage", 0.8, "databases", 0.15),
    ("RT-3", PROMOTED, "compute", 0.7, "containers", 0.2),
    ("RT-4", PROMOTED, "general support", 0.6, None, None),
    ("RT-5", PROMOTED, "compute", 0.55, "storage", 0.25),
    ("RT-6", PROMOTED, "databases", 0.95, "analytics", 0.03),
    ("RT-7", PROMOTED, "networking", 0.85, "security & identity", 0.1),
    ("RT-9", PROMOTED, "analytics", 0.5, "databases", 0.4),
    ("RT-1", BLOCKED, "storage", 0.6, "compute", 0.3),
    ("RT-2", BLOCKED, "databases", 0.7, "storage", 0.2),
    ("RT-3", BLOCKED, "compute", 0.65, None, None),
    ("RT-4", BLOCKED, "compute", 0.4, "general support", 0.35),
    ("RT-6", BLOCKED, "analytics", 0.5, "databases", 0.45),
    ("RT-7", BLOCKED, "security & identity", 0.45, "networking", 0.4),
]
DAY_OF = {t.ticket_id: t.day for t in TICKETS} | {"RT-9": DAY_2}

# (ticket, correct team, corrected by, corrected at, source key, line, loaded at)
CORRECTIONS = [
    # RT-2: two analysts at the same second; the row loaded last wins the tie
    ("RT-2", "storage", "ana", datetime(2025, 9, 2, 10), "feedback/a.csv", 1, LOADED_AT),
    (
        "RT-2",
        "databases",
        "bo",
        datetime(2025, 9, 2, 10),
        "feedback/a.csv",
        2,
        LOADED_AT + timedelta(minutes=5),
    ),
    # RT-7: corrected twice; the later correction wins although it was loaded first
    (
        "RT-7",
        " Security & Identity ",
        "ana",
        datetime(2025, 9, 2, 15),
        "feedback/b.csv",
        1,
        LOADED_AT,
    ),
    (
        "RT-7",
        "networking",
        "bo",
        datetime(2025, 9, 2, 11),
        "feedback/c.csv",
        1,
        LOADED_AT + timedelta(hours=1),
    ),
    ("RT-8", "storage", "ana", datetime(2025, 9, 2, 12), "feedback/b.csv", 2, LOADED_AT),
    ("RT-9", "analytics", "bo", datetime(2025, 9, 2, 13), "feedback/b.csv", 3, LOADED_AT),
]

# (ticket, [(minutes after submission, team)]): the help desk's assignments
ASSIGNMENTS = {
    "RT-1": [(10, "compute")],
    "RT-2": [(10, "storage"), (60, "databases")],
    "RT-7": [(20, "networking")],
}

FCT_COLUMNS = [
    "ticket_id",
    "partition_date",
    "submitted_at",
    "product",
    "model_version",
    "estimator",
    "model_status",
    "predicted_team",
    "probability",
    "runner_up_team",
    "runner_up_probability",
    "product_team",
    "corrected_team",
    "corrected_by",
    "corrected_at",
    "actual_team",
    "actual_team_source",
    "is_correct",
    "assigned_team",
    "predicted_at",
]
QUALITY_COLUMNS = [
    "partition_date",
    "model_version",
    "team",
    "tickets_actual",
    "tickets_predicted",
    "tickets_correct",
    "tickets_corrected",
    "recall",
    "precision",
    "mean_probability",
    "is_promoted_model",
]
MODELS = {PROMOTED: ("logistic_regression", "promoted"), BLOCKED: ("naive_bayes", "blocked")}


# --------------------------------------------------------------------------------------------
# Source rows
# --------------------------------------------------------------------------------------------
def ticket_row(ticket: Ticket) -> dict[str, Any]:
    row = dict.fromkeys(STAGING_COLUMNS)
    row.update(
        ticket_id=ticket.ticket_id,
        submitted_at=ticket.submitted_at,
        processed_at=ticket.submitted_at + timedelta(seconds=4),
        product=ticket.product,
        issue_type="Access",
        subject=f"Subject of {ticket.ticket_id}",
        customer_email=f"{ticket.ticket_id.lower()}@example.com",
        sentiment="NEUTRAL",
        priority="NORMAL",
        schema_version=2,
        record_source="synthetic",
        _source_key=f"tickets/{ticket.day:%Y/%m/%d}/ticket_{ticket.ticket_id}.json",
        _source_etag="etag",
        _partition_date=ticket.day,
        _loaded_at=LOADED_AT,
        _run_id="pytest",
    )
    return row


def event_rows(ticket: Ticket) -> list[dict[str, Any]]:
    events = [("SUBMITTED", ticket.submitted_at, None)] + [
        ("ASSIGNED", ticket.submitted_at + timedelta(minutes=minutes), team)
        for minutes, team in ASSIGNMENTS.get(ticket.ticket_id, [])
    ]
    rows = []
    for number, (milestone, at, team) in enumerate(events, start=1):
        name = EVENT_OF_MILESTONE[milestone]
        row = dict.fromkeys(EVENT_STAGING_COLUMNS)
        row.update(
            event_id=f"{ticket.ticket_id}:{milestone}:{number}",
            ticket_id=ticket.ticket_id,
            event_name=name,
            milestone=milestone,
            source="workflow" if name in WORKFLOW_EVENTS else "helpdesk",
            occurred_at=at,
            agent="agent-1" if team else None,
            team=team,
            data="{}",
            _content_hash=f"{number:032d}",
            _source_key=f"events/{at:%Y/%m/%d}/pytest.jsonl.gz",
            _source_etag="etag",
            _line_number=number,
            _partition_date=at.date(),
            _loaded_at=LOADED_AT,
            _run_id="pytest",
        )
        rows.append(row)
    return rows


def predicted_at(ticket_id: str) -> datetime:
    return datetime.combine(DAY_OF[ticket_id], datetime.min.time()) + timedelta(hours=23)


def route_rows() -> list[dict[str, Any]]:
    return [
        {
            "ticket_id": ticket_id,
            "partition_date": DAY_OF[ticket_id],
            "model_version": version,
            "predicted_team": team,
            "probability": probability,
            "runner_up_team": runner_up,
            "runner_up_probability": runner_up_probability,
            "predicted_at": predicted_at(ticket_id),
            "run_id": "pytest",
        }
        for ticket_id, version, team, probability, runner_up, runner_up_probability in ROUTES
    ]


def feedback_rows() -> list[dict[str, Any]]:
    return [
        {
            "ticket_id": ticket_id,
            "correct_team": team,
            "corrected_by": by,
            "corrected_at": at,
            "_source_key": key,
            "_source_etag": "etag",
            "_line_number": line,
            "_loaded_at": loaded_at,
            "_run_id": "pytest",
        }
        for ticket_id, team, by, at, key, line, loaded_at in CORRECTIONS
    ]


def model_version_rows() -> list[dict[str, Any]]:
    return [
        {
            "model_version": version,
            "estimator": estimator,
            "artifact_uri": f"models/routing/{version}.joblib",
            "trained_at": datetime(2025, 8, 31, 12),
            "trained_through": datetime(2025, 8, 31, 0),
            "training_rows": 500,
            "corrections_used": 12,
            "holdout_rows": 100,
            "holdout_accuracy": 0.9 if status == "promoted" else 0.6,
            "holdout_macro_f1": 0.88 if status == "promoted" else 0.55,
            "reference_rows": 50,
            "reference_accuracy": 0.92 if status == "promoted" else 0.58,
            "reference_macro_f1": 0.9 if status == "promoted" else 0.5,
            "status": status,
            "decision": "beats the promoted model" if status == "promoted" else "below threshold",
            "promoted_at": datetime(2025, 8, 31, 13) if status == "promoted" else None,
            "run_id": "pytest",
        }
        for version, (estimator, status) in MODELS.items()
    ]


# --------------------------------------------------------------------------------------------
# The Python reference
# --------------------------------------------------------------------------------------------
def latest_corrections() -> dict[str, tuple[str, str, datetime]]:
    """ticket -> (team, by, at) of its latest correction: latest corrected_at, then loaded_at,
    source key and line, all descending; teams trimmed and lower-cased."""
    best: dict[str, tuple] = {}
    for ticket_id, team, by, at, key, line, loaded_at in CORRECTIONS:
        rank = (at, loaded_at, key, line)
        if ticket_id not in best or rank > best[ticket_id][0]:
            best[ticket_id] = (rank, (team.strip().lower(), by, at))
    return {ticket_id: value for ticket_id, (_, value) in best.items()}


def expected_fct() -> list[dict[str, Any]]:
    tickets = {t.ticket_id: t for t in TICKETS}
    corrections = latest_corrections()
    rows = []
    for ticket_id, version, team, probability, runner_up, runner_up_probability in ROUTES:
        ticket = tickets.get(ticket_id)
        product = ticket.product if ticket else None
        product_team = SEED_TEAMS.get(product, "general support") if product else None
        corrected_team, corrected_by, corrected_at = corrections.get(ticket_id, (None,) * 3)
        actual = corrected_team or product_team
        source = "correction" if corrected_team else "product" if product_team else None
        assignments = ASSIGNMENTS.get(ticket_id)
        rows.append(
            {
                "ticket_id": ticket_id,
                "partition_date": DAY_OF[ticket_id],
                "submitted_at": ticket.submitted_at if ticket else None,
                "product": product,
                "model_version": version,
                "estimator": MODELS[version][0],
                "model_status": MODELS[version][1],
                "predicted_team": team,
                "probability": probability,
                "runner_up_team": runner_up,
                "runner_up_probability": runner_up_probability,
                "product_team": product_team,
                "corrected_team": corrected_team,
                "corrected_by": corrected_by,
                "corrected_at": corrected_at,
                "actual_team": actual,
                "actual_team_source": source,
                "is_correct": None if actual is None else team == actual,
                "assigned_team": max(assignments)[1] if assignments else None,
                "predicted_at": predicted_at(ticket_id),
            }
        )
    return rows


def expected_quality(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[tuple, dict[str, Any]] = defaultdict(
        lambda: {"actual": 0, "predicted": 0, "correct": 0, "corrected": 0, "probabilities": []}
    )
    for f in facts:
        day, version = f["partition_date"], f["model_version"]
        predicted = groups[(day, version, f["predicted_team"])]
        predicted["predicted"] += 1
        predicted["probabilities"].append(f["probability"])
        if f["actual_team"] is not None:
            actual = groups[(day, version, f["actual_team"])]
            actual["actual"] += 1
            actual["correct"] += f["is_correct"]
            actual["corrected"] += f["actual_team_source"] == "correction"
    rows = []
    for (day, version, team), g in groups.items():
        rows.append(
            {
                "partition_date": day,
                "model_version": version,
                "team": team,
                "tickets_actual": g["actual"],
                "tickets_predicted": g["predicted"],
                "tickets_correct": g["correct"],
                "tickets_corrected": g["corrected"],
                "recall": g["correct"] / g["actual"] if g["actual"] else None,
                "precision": g["correct"] / g["predicted"] if g["predicted"] else None,
                "mean_probability": (
                    sum(g["probabilities"]) / len(g["probabilities"])
                    if g["probabilities"]
                    else None
                ),
                "is_promoted_model": MODELS[version][1] == "promoted",
            }
        )
    return rows


def comparable(rows: list[dict[str, Any]], columns: list[str]) -> list[tuple]:
    """Rows as tuples in ``columns`` order, floats rounded to 6 places, sorted."""
    return sorted(
        (tuple(round(r[c], 6) if isinstance(r[c], float) else r[c] for c in columns) for r in rows),
        key=repr,
    )


# --------------------------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------------------------
@pytest.fixture
def built(dbt_warehouse: DbtWarehouse) -> DbtWarehouse:
    dbt_warehouse.create_sources()
    dbt_warehouse.insert(TICKETS_TABLE, STAGING_COLUMNS, [ticket_row(t) for t in TICKETS])
    events = [row for ticket in TICKETS for row in event_rows(ticket)]
    dbt_warehouse.insert(EVENTS_TABLE, EVENT_STAGING_COLUMNS, events)
    dbt_warehouse.insert(ROUTES_TABLE, ROUTE_COLUMNS, route_rows())
    dbt_warehouse.insert(FEEDBACK_TABLE, FEEDBACK_COLUMNS, feedback_rows())
    dbt_warehouse.insert(MODEL_VERSIONS_TABLE, MODEL_VERSION_COLUMNS, model_version_rows())
    dbt_warehouse.dbt(
        "build",
        "--select",
        *SELECTION,
        "--exclude",
        EXCLUDED,
        "--indirect-selection",
        "cautious",
    )
    return dbt_warehouse


@pytest.mark.dbt
@pytest.mark.parametrize(
    "dbt_warehouse", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_routing_marts_match_the_reference(built: DbtWarehouse) -> None:
    facts = expected_fct()
    with built.connect() as session:
        assert built.columns(session, "marts.fct_ticket_routes") == FCT_COLUMNS
        assert built.columns(session, "marts.routing_quality") == QUALITY_COLUMNS

    fct = built.records("marts.fct_ticket_routes")
    assert comparable(fct, FCT_COLUMNS) == comparable(facts, FCT_COLUMNS)
    quality = built.records("marts.routing_quality")
    assert comparable(quality, QUALITY_COLUMNS) == comparable(
        expected_quality(facts), QUALITY_COLUMNS
    )

    # Hand-checked spots of the reference itself.
    by_key = {(r["ticket_id"], r["model_version"]): r for r in fct}
    assert "RT-8" not in {r["ticket_id"] for r in fct}  # corrected, never predicted
    rt7 = by_key[("RT-7", PROMOTED)]
    assert (rt7["actual_team"], rt7["corrected_by"], rt7["is_correct"]) == (
        "security & identity",
        "ana",
        False,
    )
    rt2 = by_key[("RT-2", BLOCKED)]
    assert (rt2["corrected_team"], rt2["is_correct"], rt2["assigned_team"]) == (
        "databases",
        True,
        "databases",
    )
    rt4 = by_key[("RT-4", PROMOTED)]
    assert (rt4["product_team"], rt4["actual_team_source"], rt4["is_correct"]) == (
        "general support",
        "product",
        True,
    )
    rt5 = by_key[("RT-5", PROMOTED)]  # no product, never corrected: not judged
    assert (rt5["product_team"], rt5["actual_team"], rt5["is_correct"]) == (None, None, None)
    rt9 = by_key[("RT-9", PROMOTED)]
    assert (rt9["product"], rt9["actual_team_source"], rt9["is_correct"]) == (
        None,
        "correction",
        True,
    )

    # Accuracy per day and model, as the routing_quality docs tell analysts to compute it.
    accuracy: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for row in quality:
        key = (row["partition_date"], row["model_version"])
        accuracy[key][0] += row["tickets_correct"]
        accuracy[key][1] += row["tickets_actual"]
    # day 1, promoted: RT-1, RT-3, RT-4 right, RT-2 wrong (corrected to databases)
    assert accuracy[(DAY_1, PROMOTED)] == [3, 4]
    # day 2, promoted: RT-6, RT-9 right, RT-7 wrong, RT-5 not judged
    assert accuracy[(DAY_2, PROMOTED)] == [2, 3]
    assert accuracy[(DAY_1, BLOCKED)] == [2, 4]  # RT-2, RT-3
    assert accuracy[(DAY_2, BLOCKED)] == [1, 2]  # RT-7
