"""LLM-as-judge evaluation of generated responses, and the judge's calibration, as assets."""

from collections.abc import Collection
from datetime import date

import dagster as dg

from ticket_platform.evaluation import store
from ticket_platform.evaluation.calibration import BUILTIN_REFERENCES, compare, load_reference
from ticket_platform.evaluation.calibration_check import (
    HUMAN_AGREEMENT_CHECK,
    human_agreement_result,
)
from ticket_platform.evaluation.judge import Judge, judge_id
from ticket_platform.evaluation.report import agreement_table, pass_rate_chart
from ticket_platform.evaluation.resource import JudgeResource
from ticket_platform.evaluation.rubric import RUBRIC_VERSION, EvaluationItem
from ticket_platform.evaluation.rules import RulesJudge, fact_check
from ticket_platform.evaluation.runner import Budget, EvaluationRun, RunStats, evaluate
from ticket_platform.evaluation.store_sql import EVALUATIONS_TABLE, REFERENCE_EVALUATIONS_TABLE
from ticket_platform.ingest.assets import RAW_TICKETS
from ticket_platform.partitions import daily_ticket_partitions
from ticket_platform.pools import TRANSIENT_RETRY, writer_pool
from ticket_platform.settings import Settings, get_settings
from ticket_platform.warehouse.resource import WarehouseResource

RESPONSE_EVALUATIONS = dg.AssetKey(["evaluation", "response_evaluations"])
JUDGE_CALIBRATION = dg.AssetKey(["evaluation", "judge_calibration"])
COMPLETE_CHECK = "every_ticket_evaluated"
FLAGS_CHECK = "no_flagged_verdicts"
EVALUATION_JOB = "evaluate_responses"
CALIBRATION_JOB = "calibrate_judge"


def judges_of(judge: JudgeResource) -> list[Judge]:
    """The configured judge, then the rules judge as a second opinion when the first is an LLM."""
    primary = judge.build()
    return [primary] if primary.name == "rules" else [primary, RulesJudge()]


def stats_metadata(stats: RunStats, prefix: str = "") -> dict[str, dg.MetadataValue]:
    rates = stats.pass_rates()
    metadata: dict[str, dg.MetadataValue] = {
        f"{prefix}pass_rate_{name}": dg.MetadataValue.float(rate)
        for name, rate in rates.items()
        if rate is not None
    }
    counters = ("items", "cached", "evaluated", "failed", "deferred", "model_calls", "retries")
    for name in (*counters, "input_tokens", "output_tokens", "flagged"):
        metadata[f"{prefix}{name}"] = dg.MetadataValue.int(getattr(stats, name))
    metadata[f"{prefix}cost_usd"] = dg.MetadataValue.float(round(stats.cost_usd, 6))
    return metadata


def judge_items(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    judge: JudgeResource,
    current: Judge,
    items: list[EvaluationItem],
    day: date,
    budget: Budget,
    table: str = EVALUATIONS_TABLE,
) -> EvaluationRun:
    """Judge what the cache does not already hold; returns the rows to store and the counts.

    Production verdicts are cached per partition; reference-set verdicts across the whole table.
    """
    name = judge_id(current)
    cache_day = day if table == EVALUATIONS_TABLE else None
    with warehouse.session() as session:
        cached = store.cached_keys(session, name, day=cache_day, table=table)
    price = judge.price(current)
    if current.calls_model and judge.max_cost_usd is not None and price is None:
        context.log.warning(
            f"{name}: no price known, so TICKET_JUDGE_MAX_COST_USD cannot apply; "
            "set TICKET_JUDGE_PRICE_PER_1K"
        )

    def progress(done: int, total: int) -> None:
        context.log.info(f"{day} {name}: {done:,}/{total:,} responses judged")

    run = evaluate(
        items,
        current,
        partition_date=day,
        cached=cached,
        limits=judge.limits(),
        price=price,
        fact_check=fact_check,
        run_id=context.run.run_id,
        budget=budget if current.calls_model else None,
        on_progress=progress,
    )
    s = run.stats
    context.log.info(
        f"{day} {name}: {s.items:,} tickets, {s.cached:,} cached, {s.evaluated:,} evaluated, "
        f"{s.failed:,} failed, {s.deferred:,} deferred"
    )
    return run


def judge_and_store(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    judge: JudgeResource,
    current: Judge,
    items: list[EvaluationItem],
    day: date,
    budget: Budget,
    table: str = EVALUATIONS_TABLE,
) -> RunStats:
    """``judge_items``, then its rows stored (one replace transaction); returns the counts."""
    run = judge_items(context, warehouse, judge, current, items, day, budget, table)
    with warehouse.session() as session:
        store.write_evaluations(session, run.rows, table=table)
    return run.stats


def build_response_evaluations_asset(settings: Settings) -> dg.AssetsDefinition:
    @dg.asset(
        key=RESPONSE_EVALUATIONS,
        partitions_def=daily_ticket_partitions(settings),
        deps=[RAW_TICKETS],
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=writer_pool(settings),
        retry_policy=TRANSIENT_RETRY,
        group_name="evaluation",
        kinds={"python", JudgeResource.from_env(settings).kind},
        owners=["team:data-platform"],
        tags={"layer": "evaluation"},
        description=(
            "LLM-as-judge verdicts on every generated response of the partition's tickets: one "
            "row per (ticket, judge, rubric version) in `evaluation.response_evaluations` with "
            "the four criteria (contextual_relevance, technical_accuracy, professional_tone, "
            "actionable_guidance), reasoning, model, tokens, cost and flags. Unchanged tickets "
            "are served from the stored verdicts (zero model calls); failed and budget-deferred "
            "tickets are recorded and retried on the next run. The judge is `TICKET_JUDGE` "
            "(rules offline, Bedrock in prod); the rules judge also grades beside any LLM judge "
            "and flags verdicts that contradict a checkable fact."
        ),
        check_specs=[
            dg.AssetCheckSpec(
                COMPLETE_CHECK,
                asset=RESPONSE_EVALUATIONS,
                description="No ticket of the partitions is left failed or deferred.",
            ),
            dg.AssetCheckSpec(
                FLAGS_CHECK,
                asset=RESPONSE_EVALUATIONS,
                description=(
                    "No verdict contradicts a checkable fact (e.g. tone passed although the "
                    "response contains a contraction) and no ticket or response steers the judge."
                ),
            ),
        ],
    )
    def response_evaluations(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, judge: JudgeResource
    ) -> dg.MaterializeResult:
        judges = judges_of(judge)
        totals = {judge_id(j): RunStats() for j in judges}
        budget = judge.budget()
        days = sorted(date.fromisoformat(key) for key in context.partition_keys)
        with warehouse.session() as session:
            store.ensure_evaluation_tables(session)
        for day in days:
            with warehouse.session() as session:
                items = store.partition_items(session, day)
            runs = [judge_items(context, warehouse, judge, j, items, day, budget) for j in judges]
            # Every judge's rows of the partition in one write: on Redshift one COPY (or one
            # multi-row INSERT) into the batch table, one delete and one insert.
            with warehouse.session() as session:
                store.write_evaluations(session, [row for run in runs for row in run.rows])
            for current, run in zip(judges, runs, strict=True):
                totals[judge_id(current)].add(run.stats)
        with warehouse.session() as session:
            statuses = store.partition_status_counts(session, days)

        primary = totals[judge_id(judges[0])]
        metadata = {
            "judge": dg.MetadataValue.text(judge_id(judges[0])),
            "rubric_version": dg.MetadataValue.text(RUBRIC_VERSION),
            "pass_rates": dg.MetadataValue.md(
                pass_rate_chart(primary.pass_rates(), primary.evaluated)
            ),
            **stats_metadata(primary),
        }
        for second in judges[1:]:
            metadata.update(stats_metadata(totals[judge_id(second)], prefix=f"{second.name}_"))
        open_rows = statuses.get("failed", 0) + statuses.get("deferred", 0)
        flagged = statuses.get("flagged", 0)
        return dg.MaterializeResult(
            metadata=metadata,
            check_results=[
                dg.AssetCheckResult(
                    check_name=COMPLETE_CHECK,
                    passed=open_rows == 0,
                    severity=dg.AssetCheckSeverity.WARN,
                    metadata={
                        "failed": statuses.get("failed", 0),
                        "deferred": statuses.get("deferred", 0),
                        "evaluated": statuses.get("evaluated", 0),
                    },
                    description=(
                        f"{open_rows} evaluation(s) failed or deferred; the next run retries them "
                        "(see evaluation.response_evaluations.error)"
                        if open_rows
                        else None
                    ),
                ),
                dg.AssetCheckResult(
                    check_name=FLAGS_CHECK,
                    passed=flagged == 0,
                    severity=dg.AssetCheckSeverity.WARN,
                    metadata={"flagged": flagged},
                    description=(
                        f"{flagged} verdict(s) flagged; see evaluation.response_evaluations.flags"
                        if flagged
                        else None
                    ),
                ),
            ],
        )

    return response_evaluations


def reference_names(settings: Settings) -> list[str]:
    names = list(BUILTIN_REFERENCES)
    if settings.judge_reference:
        names.append(settings.judge_reference)
    return names


def build_judge_calibration_asset(settings: Settings) -> dg.AssetsDefinition:
    human = settings.judge_reference
    min_agreement = settings.judge_min_agreement
    check_specs = (
        [
            dg.AssetCheckSpec(
                HUMAN_AGREEMENT_CHECK,
                asset=JUDGE_CALIBRATION,
                description=(
                    f"The judge agrees with the human labels of {human} on at least "
                    f"{min_agreement:.0%} of items, on every criterion "
                    "(TICKET_JUDGE_MIN_AGREEMENT): a criterion fails only when the upper bound "
                    "of its agreement's 95% confidence interval is below that, so a small "
                    "labelled set does not fail on noise."
                ),
            )
        ]
        if human
        else []
    )

    @dg.asset(
        key=JUDGE_CALIBRATION,
        pool=writer_pool(settings),
        retry_policy=TRANSIENT_RETRY,
        group_name="evaluation",
        kinds={"python"},
        owners=["team:data-platform"],
        tags={"layer": "evaluation"},
        check_specs=check_specs,
        description=(
            "How far the configured judge agrees with labelled reference sets: per criterion "
            "agreement, Cohen's kappa, true-positive and true-negative rates, in "
            "`evaluation.judge_calibration`. Built in: the seed system's Amazon Nova Pro verdicts "
            "on its 100 real tickets (a model's opinion, not ground truth); add a human-labelled "
            "file with TICKET_JUDGE_REFERENCE. Verdicts on reference tickets are cached in "
            "`evaluation.reference_evaluations`."
        ),
    )
    def judge_calibration(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, judge: JudgeResource
    ) -> dg.MaterializeResult:
        judges = judges_of(judge)
        budget = judge.budget()
        metadata: dict[str, dg.MetadataValue] = {}
        check_results: list[dg.AssetCheckResult] = []
        with warehouse.session() as session:
            store.ensure_evaluation_tables(session)

        def stored_tickets(ticket_ids: Collection[str]) -> dict[str, EvaluationItem]:
            with warehouse.session() as session:
                return store.stored_items(session, ticket_ids)

        for name in reference_names(settings):
            reference = load_reference(name, stored=stored_tickets)
            for rejected in reference.rejected:
                context.log.warning(f"{reference.name}: {rejected}")
            if reference.joined:
                context.log.info(
                    f"{reference.name}: {len(reference.joined)} row(s) without a reply joined "
                    f"to the stored ticket of their ticket_id"
                )
            items = [labelled.item for labelled in reference.items]
            for current in judges:
                jid = judge_id(current)
                stats = judge_and_store(
                    context,
                    warehouse,
                    judge,
                    current,
                    items,
                    date.today(),
                    budget,
                    table=REFERENCE_EVALUATIONS_TABLE,
                )
                with warehouse.session() as session:
                    verdicts = store.stored_verdicts(
                        session, jid, [item.ticket_id for item in items]
                    )
                    agreements = compare(verdicts, reference)
                    store.write_calibration(
                        session,
                        store.calibration_rows(reference, jid, agreements, context.run.run_id),
                    )
                context.log.info(
                    f"{reference.name} vs {jid}: {len(verdicts)}/{len(items)} judged, "
                    f"{stats.model_calls} model call(s), {stats.cached} cached"
                )
                metadata[f"{reference.name} vs {jid}"] = dg.MetadataValue.md(
                    f"Labelled by {reference.labelled_by}; {len(reference.rejected)} row(s) "
                    f"rejected, {len(reference.joined)} joined to stored tickets.\n\n"
                    f"{agreement_table(agreements)}"
                )
                if name == human and current is judges[0]:
                    check_results.append(human_agreement_result(agreements, min_agreement))
        return dg.MaterializeResult(metadata=metadata, check_results=check_results)

    return judge_calibration


@dg.definitions
def defs() -> dg.Definitions:
    settings = get_settings()
    evaluations = build_response_evaluations_asset(settings)
    calibration = build_judge_calibration_asset(settings)
    job = dg.define_asset_job(
        EVALUATION_JOB,
        # The asset and its own checks: dbt's source tests run with dbt, freshness checks with
        # their sensor.
        selection=dg.AssetSelection.assets(evaluations).without_checks()
        | dg.AssetSelection.checks(*evaluations.check_keys),
        description="Judge the generated responses of the selected days.",
    )
    calibrate = dg.define_asset_job(
        CALIBRATION_JOB,
        selection=dg.AssetSelection.assets(calibration),
        description="Grade the labelled reference sets and report the judge's agreement.",
    )
    return dg.Definitions(assets=[evaluations, calibration], jobs=[job, calibrate])
