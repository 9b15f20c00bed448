"""Evaluation rows in the warehouse: the tickets to judge, the cache, and the merge of results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from ticket_platform.evaluation import store_sql as sql
from ticket_platform.evaluation.calibration import Agreement, ReferenceSet
from ticket_platform.evaluation.rubric import CRITERIA, RUBRIC_VERSION, Criterion, EvaluationItem
from ticket_platform.ingest.tickets_sql import TICKETS_TABLE
from ticket_platform.warehouse.session import WarehouseSession, replace_rows, run_in_transaction

_ITEM_COLUMNS = ("ticket_id", "subject", "description", "product", "issue_type", "response_text")


def ensure_evaluation_tables(session: WarehouseSession) -> None:
    run_in_transaction(session, sql.create_evaluation_tables_sql(session.dialect))


def partition_items(session: WarehouseSession, day: date) -> list[EvaluationItem]:
    """What a judge sees of every staged ticket of one partition."""
    rows = session.query(
        f"select {', '.join(_ITEM_COLUMNS)}, priority from {TICKETS_TABLE} "
        f"where _partition_date = {session.param} order by ticket_id",
        [day],
    )
    return [
        EvaluationItem(
            **{name: value or "" for name, value in zip(_ITEM_COLUMNS, row[:-1], strict=True)},
            priority=row[-1],
        )
        for row in rows
    ]


def cached_keys(
    session: WarehouseSession,
    judge: str,
    *,
    day: date | None = None,
    table: str = sql.EVALUATIONS_TABLE,
) -> dict[str, str]:
    """ticket_id -> cache key of the judge's stored verdicts (one partition, or all of a table)."""
    params: list[Any] = [judge, RUBRIC_VERSION] + ([day] if day is not None else [])
    statement = sql.cached_rows_sql(table, session.param, by_partition=day is not None)
    return {ticket_id: key for ticket_id, key in session.query(statement, params)}


def write_evaluations(
    session: WarehouseSession, rows: Sequence[dict], table: str = sql.EVALUATIONS_TABLE
) -> int:
    """Replace the stored rows of these (ticket, judge, rubric) keys in one transaction."""
    return replace_rows(
        session,
        table,
        sql.EVALUATION_KEY,
        sql.EVALUATION_COLUMNS,
        rows,
        batch=sql.EVALUATIONS_BATCH,
    )


def write_calibration(session: WarehouseSession, rows: Sequence[dict]) -> int:
    """Replace the calibration rows of these (reference set, judge, rubric, criterion) keys."""
    key = ("reference_set", "judge", "rubric_version", "criterion")
    return replace_rows(
        session,
        sql.CALIBRATION_TABLE,
        key,
        sql.CALIBRATION_COLUMNS,
        rows,
        batch=sql.EVALUATIONS_BATCH,
    )


def stored_verdicts(
    session: WarehouseSession,
    judge: str,
    ticket_ids: Sequence[str],
    table: str = sql.REFERENCE_EVALUATIONS_TABLE,
) -> dict[str, dict[Criterion, bool]]:
    """ticket_id -> criterion -> passed, for the judge's evaluated rows among ``ticket_ids``."""
    wanted = set(ticket_ids)
    criteria = ", ".join(c.value for c in CRITERIA)
    rows = session.query(
        f"select ticket_id, {criteria} from {table} where status = 'evaluated' "
        f"and judge = {session.param} and rubric_version = {session.param}",
        [judge, RUBRIC_VERSION],
    )
    return {
        row[0]: dict(zip(CRITERIA, map(bool, row[1:]), strict=True))
        for row in rows
        if row[0] in wanted
    }


def calibration_rows(
    reference: ReferenceSet, judge: str, agreements: Sequence[Agreement], run_id: str | None
) -> list[dict]:
    """Rows of ``evaluation.judge_calibration`` for one reference set and judge."""
    computed_at = datetime.now(UTC).replace(tzinfo=None)
    return [
        {
            "reference_set": reference.name,
            "labelled_by": reference.labelled_by,
            "judge": judge,
            "rubric_version": RUBRIC_VERSION,
            **agreement.as_dict(),
            "computed_at": computed_at,
            "run_id": run_id,
        }
        for agreement in agreements
    ]


def partition_status_counts(session: WarehouseSession, days: Sequence[date]) -> dict[str, int]:
    """Rows per status over the given partitions, all judges, plus ``flagged`` (for the checks)."""
    if not days:
        return {}
    marks = ", ".join([session.param] * len(days))
    rows = session.query(
        f"select status, count(*), sum(case when flag_count > 0 then 1 else 0 end) "
        f"from {sql.EVALUATIONS_TABLE} where partition_date in ({marks}) group by status",
        list(days),
    )
    counts = {status: int(count) for status, count, _ in rows}
    flagged = sum(int(flags or 0) for _, _, flags in rows)
    return counts | ({"flagged": flagged} if flagged else {})
