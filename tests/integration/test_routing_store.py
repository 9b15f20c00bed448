"""The routing tables' SQL on DuckDB and PostgreSQL: feedback load, training reads, routes and
model versions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ticket_platform.contracts.tickets import lake_key
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.ingest.tickets import load_partition
from ticket_platform.routing import store
from ticket_platform.routing.feedback import (
    corrections_since,
    feedback_summary,
    load_feedback,
    quarantine_reasons,
)

TEAMS = {"storage", "databases", "networking"}
SEED_DAY = date(2025, 8, 8)


def _landing(tmp_path, seed_lines) -> LocalLanding:
    import orjson

    landing = LocalLanding(tmp_path / "landing")
    for line in seed_lines:
        ticket = orjson.loads(line)
        submitted = datetime.fromisoformat(ticket["submitted_at"])
        landing.write(lake_key(ticket["ticket_id"], submitted), line)
    return landing


def test_feedback_loads_once_replaces_by_key_and_feeds_training(session, tmp_path, seed_lines):
    landing = _landing(tmp_path, seed_lines)
    load_partition(landing, session, SEED_DAY, run_id="t")
    store.ensure_routing_tables(session)
    landing.write(
        "feedback/a.csv",
        b"ticket_id,correct_team,corrected_by,corrected_at\n"
        b"TKT-20250808-1046,storage,ana,2025-08-09T10:00:00Z\n"
        b"TKT-20250808-1046,databases,ana,2025-08-09T11:00:00Z\n"
        b"TKT-20250808-1157,nowhere,ana,2025-08-09T10:00:00Z\n",
    )
    first = datetime(2025, 8, 10, 12, tzinfo=UTC)
    report = load_feedback(landing, session, TEAMS, run_id="r1", now=lambda: first)
    assert (report.files_loaded, report.rows_loaded, report.rows_quarantined) == (1, 2, 1)
    assert "unknown team 'nowhere'" in next(iter(quarantine_reasons(session)))
    assert feedback_summary(session) == (2, first.replace(tzinfo=None))

    # The same file again: nothing; a rewritten copy under a new key: replaced by key, not added.
    assert load_feedback(landing, session, TEAMS, run_id="r2", now=lambda: first).rows_loaded == 0
    landing.write("feedback/copy/a.csv", landing.read("feedback/a.csv"))
    later = datetime(2025, 8, 11, 12, tzinfo=UTC)
    assert load_feedback(landing, session, TEAMS, run_id="r3", now=lambda: later).rows_loaded == 2
    assert feedback_summary(session)[0] == 2
    assert corrections_since(session, first.replace(tzinfo=None)) == 2
    assert corrections_since(session, later.replace(tzinfo=None)) == 0

    corrections = store.corrections(session)
    assert {(c.ticket_id, c.correct_team) for c in corrections} == {
        ("TKT-20250808-1046", "storage"),
        ("TKT-20250808-1046", "databases"),
    }
    tickets = store.training_tickets(session, max_rows=10)
    ids = {t["ticket_id"] for t in tickets}
    assert len(tickets) == 11 and "TKT-20250808-1046" in ids, "newest 10 + the corrected one"


def test_routes_replace_by_ticket_and_model_and_versions_promote(session, tmp_path, seed_lines):
    landing = _landing(tmp_path, seed_lines)
    load_partition(landing, session, SEED_DAY, run_id="t")
    store.ensure_routing_tables(session)
    tickets = store.partition_tickets(session, SEED_DAY)
    assert len(tickets) == 100

    def rows(version: str, team: str) -> list[dict]:
        return [
            {
                "ticket_id": ticket_id,
                "partition_date": SEED_DAY,
                "model_version": version,
                "predicted_team": team,
                "probability": 0.9,
                "runner_up_team": "networking",
                "runner_up_probability": 0.05,
                "predicted_at": datetime(2025, 8, 9),
                "run_id": "t",
            }
            for ticket_id, _, _ in tickets
        ]

    store.write_routes(session, rows("v1", "storage"))
    assert store.unrouted_count(session, [SEED_DAY], "v1") == 0
    store.write_routes(session, rows("v1", "databases"))  # a re-run replaces
    store.write_routes(session, rows("v2", "storage"))  # a new model adds
    counts = session.query(
        "select model_version, predicted_team, count(*) from routing.ticket_routes "
        "group by 1, 2 order by 1"
    )
    assert [tuple(r) for r in counts] == [("v1", "databases", 100), ("v2", "storage", 100)]
    assert store.unrouted_count(session, [SEED_DAY], "v3") == 100

    for version in ("v1", "v2"):
        store.record_model_version(session, _version_row(version))
    store.mark_promoted(session, "v1", datetime(2025, 8, 9), "first")
    store.mark_promoted(session, "v2", datetime(2025, 8, 10), "better")
    statuses = session.query(
        "select model_version, status, decision from routing.model_versions order by 1"
    )
    assert [tuple(r) for r in statuses] == [
        ("v1", "retired", "first"),
        ("v2", "promoted", "better"),
    ]


def _version_row(version: str) -> dict:
    return {
        "model_version": version,
        "estimator": "logistic_regression",
        "artifact_uri": f"/lake/models/routing/{version}/model.skops",
        "trained_at": datetime(2025, 8, 9),
        "trained_through": datetime(2025, 8, 8, 23),
        "training_rows": 100,
        "corrections_used": 0,
        "holdout_rows": 20,
        "holdout_accuracy": 0.95,
        "holdout_macro_f1": 0.94,
        "reference_rows": 100,
        "reference_accuracy": 1.0,
        "reference_macro_f1": 1.0,
        "status": "candidate",
        "decision": "not worse",
        "promoted_at": None,
        "run_id": "t",
    }
