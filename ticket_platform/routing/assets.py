"""Ticket routing as assets: train a candidate, promote it unless it is worse, route each day.

``routing/route_model_candidate`` trains on the staged tickets (corrections override labels) and
stores the model in the lake; its blocking check ``not_worse_than_current`` stops
``routing/route_model`` (the promotion) in the same run when the candidate scores worse than
the promoted model. ``routing/ticket_routes`` predicts every ticket's team with the promoted
model, one daily partition at a time.

Too few trainable tickets is not an error: the candidate materializes nothing, records an
observation saying why, and its check and the promotion are skipped; the promoted model stays.
"""

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime

import dagster as dg

from ticket_platform.ingest.assets import RAW_TICKETS
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.partitions import daily_ticket_partitions
from ticket_platform.pools import TRANSIENT_RETRY, writer_pool
from ticket_platform.routing import store
from ticket_platform.routing.artifacts import ModelStore
from ticket_platform.routing.dataset import TrainingDataError
from ticket_platform.routing.model import MIN_TRAINING_TICKETS
from ticket_platform.routing.promotion import Decision
from ticket_platform.routing.report import confusion_table, team_table
from ticket_platform.routing.training import (
    Candidate,
    model_version_row,
    predict_texts,
    route_rows,
    train_candidate,
)
from ticket_platform.settings import Settings, get_settings
from ticket_platform.warehouse.resource import WarehouseResource

ROUTE_MODEL_CANDIDATE = dg.AssetKey(["routing", "route_model_candidate"])
ROUTE_MODEL = dg.AssetKey(["routing", "route_model"])
TICKET_ROUTES = dg.AssetKey(["routing", "ticket_routes"])
ROUTING_FEEDBACK = dg.AssetKey(["routing", "feedback"])
NOT_WORSE_CHECK = "not_worse_than_current"
ROUTED_CHECK = "every_ticket_routed"
RETRAIN_JOB = "retrain_routing_model"
ROUTE_JOB = "route_tickets"
LOW_CONFIDENCE = 0.5
SKIPPED = "skipped"  # the candidate's observation when there was too little to train on


def _routing_spec(settings: Settings) -> dict:
    """What every model asset of the routing group shares (besides its pool)."""
    return {
        "group_name": "routing",
        "kinds": {"python", "scikitlearn", "duckdb" if settings.is_local else "redshift"},
        "owners": ["team:data-platform"],
        "tags": {"layer": "model"},
    }


def build_candidate_asset(settings: Settings) -> dg.AssetsDefinition:
    config = settings.routing
    check_key = dg.AssetCheckKey(ROUTE_MODEL_CANDIDATE, NOT_WORSE_CHECK)

    # A multi-asset, not @asset: with too little to train on it materializes nothing (skippable)
    # and so skips its check and the promotion; only subsettable assets may leave a check out.
    @dg.multi_asset(
        name=ROUTE_MODEL_CANDIDATE.to_python_identifier(),
        specs=[
            dg.AssetSpec(
                ROUTE_MODEL_CANDIDATE,
                deps=[RAW_TICKETS, ROUTING_FEEDBACK],
                skippable=True,
                **_routing_spec(settings),
                description=(
                    "Trains the ticket router: TF-IDF word and character n-grams under a "
                    "multinomial naive Bayes baseline and a logistic regression, on the newest "
                    f"{config.max_training_rows:,} staged tickets "
                    "(TICKET_ROUTING_MAX_TRAINING_ROWS) labelled by their product's team, "
                    "analysts' corrections overriding. The newest "
                    f"{config.holdout_share:.0%} of tickets are held out to score both; the "
                    "better one is refit on all and stored in the lake under "
                    "`models/routing/<content hash>/` with its card and confusion matrix, and "
                    "scored on the seed system's 100 real tickets (never trained on). Its check "
                    "decides whether it may replace the promoted model. With too few trainable "
                    f"tickets (fewer than {MIN_TRAINING_TICKETS}, all submitted at one instant, "
                    "or of one team) nothing is trained: the run succeeds, an observation says "
                    "why, and the promoted model (if any) stays."
                ),
            )
        ],
        check_specs=[
            dg.AssetCheckSpec(
                NOT_WORSE_CHECK,
                asset=ROUTE_MODEL_CANDIDATE,
                blocking=True,
                description=(
                    "The candidate scores no worse than the promoted model (accuracy and "
                    "macro-F1, tolerance TICKET_ROUTING_PROMOTION_TOLERANCE) on tickets neither "
                    "has learned from: fresh held-out tickets and the real reference tickets. "
                    "Blocking: a worse candidate is never promoted."
                ),
            )
        ],
        can_subset=True,
        pool=writer_pool(settings),
    )
    def route_model_candidate(
        context: dg.AssetExecutionContext, landing: LandingResource, warehouse: WarehouseResource
    ) -> Iterator[dg.MaterializeResult]:
        models = ModelStore(landing.get_landing())
        with warehouse.session() as session:
            store.ensure_routing_tables(session)
            tickets = store.training_tickets(session, config.max_training_rows)
            corrections = store.corrections(session)
        context.log.info(
            f"training on {len(tickets):,} tickets and {len(corrections):,} corrections …"
        )
        try:
            candidate = train_candidate(
                models,
                tickets,
                corrections,
                holdout_share=config.holdout_share,
                tolerance=config.promotion_tolerance,
                run_id=context.run.run_id,
            )
        except TrainingDataError as error:
            context.log.warning(f"no candidate trained; the promoted model stays: {error}")
            context.log_event(_skipped_training(str(error), len(tickets), models))
            return
        card, decision = candidate.card, candidate.decision
        status = "candidate" if decision.promote else "blocked"
        if not candidate.unchanged:
            with warehouse.session() as session:
                store.record_model_version(
                    session, model_version_row(candidate, models.uri(card.version), status)
                )
        models.propose(card.version, decision.promote, decision.reason)
        context.log.info(f"candidate {card.version} ({card.estimator}): {decision.reason}")
        checked = check_key in context.selected_asset_check_keys
        yield dg.MaterializeResult(
            metadata=_candidate_metadata(candidate, models),
            check_results=[_not_worse_result(candidate)] if checked else [],
        )

    return route_model_candidate


def _not_worse_result(candidate: Candidate) -> dg.AssetCheckResult:
    decision = candidate.decision
    return dg.AssetCheckResult(
        check_name=NOT_WORSE_CHECK,
        passed=decision.promote,
        severity=dg.AssetCheckSeverity.ERROR,
        description=decision.reason,
        metadata={
            "candidate": candidate.card.version,
            "current": candidate.current_version or "none",
            "comparisons": dg.MetadataValue.json(_comparison_table(decision)),
        },
    )


def _skipped_training(reason: str, staged: int, models: ModelStore) -> dg.AssetObservation:
    """What the asset's history shows for a run that had too little to train on."""
    return dg.AssetObservation(
        asset_key=ROUTE_MODEL_CANDIDATE,
        metadata={
            SKIPPED: dg.MetadataValue.text(reason),
            "staged_tickets": dg.MetadataValue.int(staged),
            "promoted_model": dg.MetadataValue.text(models.current_version() or "none"),
        },
    )


def build_route_model_asset(settings: Settings) -> dg.AssetsDefinition:
    @dg.asset(
        key=ROUTE_MODEL,
        deps=[ROUTE_MODEL_CANDIDATE],
        pool=writer_pool(settings),
        **_routing_spec(settings),
        description=(
            "The promoted ticket router: `models/routing/current.json` in the lake points at "
            "the approved candidate, and `routing.model_versions` marks it promoted (the one "
            "before retired). Materializes only after the candidate's check passed."
        ),
    )
    def route_model(
        context: dg.AssetExecutionContext, landing: LandingResource, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        models = ModelStore(landing.get_landing())
        proposal = models.approved_candidate()
        pointer = models.promote(proposal["version"], proposal["reason"])
        with warehouse.session() as session:
            store.ensure_routing_tables(session)
            store.mark_promoted(
                session,
                proposal["version"],
                datetime.now(UTC).replace(tzinfo=None),
                proposal["reason"],
            )
        card = models.card(proposal["version"])
        context.log.info(f"promoted routing model {card.version} ({proposal['reason']})")
        return dg.MaterializeResult(
            metadata={
                "model_version": dg.MetadataValue.text(card.version),
                "previous_version": dg.MetadataValue.text(pointer["previous"] or "none"),
                "estimator": dg.MetadataValue.text(card.estimator),
                "artifact": _location(models.uri(card.version)),
                "decision": dg.MetadataValue.text(proposal["reason"]),
                "holdout_accuracy": dg.MetadataValue.float(card.holdout_scores.accuracy),
                "teams": dg.MetadataValue.int(len(card.teams)),
            },
            data_version=dg.DataVersion(card.version),
        )

    return route_model


def build_ticket_routes_asset(settings: Settings) -> dg.AssetsDefinition:
    @dg.asset(
        key=TICKET_ROUTES,
        deps=[RAW_TICKETS, ROUTE_MODEL],
        partitions_def=daily_ticket_partitions(settings),
        backfill_policy=dg.BackfillPolicy.single_run(),
        retry_policy=TRANSIENT_RETRY,
        pool=writer_pool(settings),
        **_routing_spec(settings),
        description=(
            "The promoted router's predicted team of every staged ticket of the partition, with "
            "its probability and the runner-up, in `routing.ticket_routes` (one row per ticket "
            "and model version: re-running replaces, a new model adds its own rows). dbt's "
            "`routing_quality` compares them with the actual team once known."
        ),
        check_specs=[
            dg.AssetCheckSpec(
                ROUTED_CHECK,
                asset=TICKET_ROUTES,
                description="Every staged ticket of the partitions has a route from the model.",
            )
        ],
    )
    def ticket_routes(
        context: dg.AssetExecutionContext, landing: LandingResource, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        model, card = ModelStore(landing.get_landing()).current()
        days = sorted(date.fromisoformat(key) for key in context.partition_keys)
        routed, low, teams = 0, 0, Counter[str]()
        with warehouse.session() as session:
            store.ensure_routing_tables(session)
            for day in days:
                tickets = store.partition_tickets(session, day)
                predictions = predict_texts(model, [(t[1], t[2]) for t in tickets])
                rows = route_rows(
                    card.version, predictions, [(t[0], day) for t in tickets], context.run.run_id
                )
                store.write_routes(session, rows)
                routed += len(rows)
                low += sum(p.probability < LOW_CONFIDENCE for p in predictions)
                teams.update(p.team for p in predictions)
                context.log.info(f"{day}: {len(rows):,} tickets routed by {card.version}")
            missing = store.unrouted_count(session, days, card.version)
        return dg.MaterializeResult(
            metadata={
                "model_version": dg.MetadataValue.text(card.version),
                "tickets_routed": dg.MetadataValue.int(routed),
                "low_confidence": dg.MetadataValue.int(low),
                "predicted_teams": dg.MetadataValue.json(dict(sorted(teams.items()))),
            },
            data_version=dg.DataVersion(card.version),
            check_results=[
                dg.AssetCheckResult(
                    check_name=ROUTED_CHECK,
                    passed=missing == 0,
                    metadata={"unrouted": missing},
                    description=f"{missing} ticket(s) have no route" if missing else None,
                )
            ],
        )

    return ticket_routes


def retrain_job():
    """Registered beside the feedback sensor that starts it (``routing/feedback_assets.py``)."""
    return dg.define_asset_job(
        RETRAIN_JOB,
        selection=dg.AssetSelection.assets(ROUTE_MODEL_CANDIDATE, ROUTE_MODEL).without_checks()
        | dg.AssetSelection.checks(dg.AssetCheckKey(ROUTE_MODEL_CANDIDATE, NOT_WORSE_CHECK)),
        description=(
            "Train a routing model candidate and promote it unless its blocking check finds it "
            "worse than the current model."
        ),
    )


def _candidate_metadata(candidate: Candidate, models: ModelStore) -> dict[str, object]:
    """What the UI shows of a candidate: scores, per-team table, confusion matrix, artifacts."""
    card = candidate.card
    holdout, reference = card.holdout_scores, card.reference_scores
    metadata = {
        "model_version": dg.MetadataValue.text(card.version),
        "retrained": dg.MetadataValue.bool(not candidate.unchanged),
        "estimator": dg.MetadataValue.text(card.estimator),
        "artifact": _location(models.uri(card.version)),
        "confusion_matrix_png": _location(candidate.confusion_uri),
        "training_rows": dg.MetadataValue.int(card.training_rows),
        "corrections_used": dg.MetadataValue.int(card.corrections_used),
        "holdout_rows": dg.MetadataValue.int(holdout.rows),
        "holdout_accuracy": dg.MetadataValue.float(holdout.accuracy),
        "holdout_macro_f1": dg.MetadataValue.float(holdout.macro_f1),
        "estimators": dg.MetadataValue.json(card.estimators),
        "per_team": dg.MetadataValue.md(team_table(holdout)),
        "confusion_matrix": dg.MetadataValue.md(confusion_table(holdout)),
    }
    if reference is not None:
        metadata |= {
            "reference_accuracy": dg.MetadataValue.float(reference.accuracy),
            "reference_macro_f1": dg.MetadataValue.float(reference.macro_f1),
            "reference_masked_accuracy": dg.MetadataValue.float(
                card.reference_masked_accuracy or 0.0
            ),
        }
    return metadata


def _comparison_table(decision: Decision) -> dict[str, dict]:
    return {
        c.name: {
            "tickets": c.candidate.rows,
            "candidate_accuracy": round(c.candidate.accuracy, 4),
            "current_accuracy": round(c.current.accuracy, 4),
            "candidate_macro_f1": round(c.candidate.macro_f1, 4),
            "current_macro_f1": round(c.current.macro_f1, 4),
        }
        for c in decision.comparisons
    }


def _location(uri: str) -> dg.MetadataValue:
    return dg.MetadataValue.url(uri) if uri.startswith("s3://") else dg.MetadataValue.path(uri)


@dg.definitions
def defs() -> dg.Definitions:
    settings = get_settings()
    candidate = build_candidate_asset(settings)
    promotion = build_route_model_asset(settings)
    routes = build_ticket_routes_asset(settings)
    route = dg.define_asset_job(
        ROUTE_JOB,
        # dbt's tests of the routing.ticket_routes source run with dbt build, not here.
        selection=dg.AssetSelection.assets(routes).without_checks()
        | dg.AssetSelection.checks(*routes.check_keys),
        description="Predict the owning team of the selected days' tickets with the promoted model.",
    )
    return dg.Definitions(assets=[candidate, promotion, routes], jobs=[route])
