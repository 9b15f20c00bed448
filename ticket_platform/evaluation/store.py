"""Evaluation rows in the warehouse: the tickets to judge, the cache, and the merge of results."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime
from typing import Any

from ticket_platform.evaluation import store_sql as sql
from ticket_platform.evaluation.calibration import Agreement, ReferenceSet
from ticket_platform.evaluation.rubric import CRITERIA, RUBRIC_VERSION, Criterion, EvaluationItem
from ticket_platform.ingest.tickets_sql import TICKETS_TABLE
from ticket_platform.warehouse.session import (
    WarehouseSession,
    replace_rows,
    run_in_transaction,
)

_ITEM_COLUMNS = ("ticket_id", "subject", "description", "product", "issue_type", "response_text")
_LOOKUP_CHUNK = 500  # ticket ids per query when joining reference rows to stored tickets


def ensure_evaluation_tables(session: WarehouseSession) -> None:
    """Create the evaluation tables where missing, and add the columns a newer version brought
    to a calibration table an older version created."""
    run_in_transaction(session, sql.create_evaluation_tables_sql(session.dialect))
    existing = table_columns(session, sql.CALIBRATION_TABLE)
    missing = sql.add_columns_sql(sql.CALIBRATION_TABLE, sql.CALIBRATION_TYPES, existing)
    if missing:
        run_in_transaction(session, missing)


def table_columns(session: WarehouseSession, table: str) -> set[str]:
    """The (lower-case) column names of ``schema.table`` (information schema: every engine)."""
    schema, name = table.split(".")
    rows = session.query(
        "select column_name from information_schema.columns "
        f"where table_schema = {session.param} and table_name = {session.param}",
        [schema, name],
    )
    return {str(column).lower() for (column,) in rows}


def partition_items(session: WarehouseSession, day: date) -> list[EvaluationItem]:
    """What a judge sees of every staged ticket of one partition."""
    rows = session.query(
        f"select {', '.join(_ITEM_COLUMNS)}, priority from {TICKETS_TABLE} "
        f"where _partition_date = {session.param} order by ticket_id",
        [day],
    )
    return [_item(row) for row in rows]


def stored_items(
    session: WarehouseSession, ticket_ids: Collection[str]
) -> dict[str, EvaluationItem]:
    """ticket_id -> what a judge sees of the stored ticket, for those of ``ticket_ids`` loaded
    (none when the ticket table does not exist yet)."""
    if not ticket_ids or not table_columns(session, TICKETS_TABLE):
        return {}
    found: dict[str, EvaluationItem] = {}
    wanted = sorted(set(ticket_ids))
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        chunk = wanted[start : start + _LOOKUP_CHUNK]
        marks = ", ".join([session.param] * len(chunk))
        rows = session.query(
            f"select {', '.join(_ITEM_COLUMNS)}, priority from {TICKETS_TABLE} "
            f"where ticket_id in ({marks})",
            chunk,
        )
        found.update((row[0], _item(row)) for row in rows)
    return found


def _item(row: Sequence[Any]) -> EvaluationItem:
    fields = {name: value or "" for name, value in zip(_ITEM_COLUMNS, row[:-1], strict=True)}
    return EvaluationItem(**fields, priority=row[-1])


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
    return replace_rows(
        session,
        sql.CALIBRATION_TABLE,
        sql.CALIBRATION_KEY,
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
            **_flat(agreement),
            "computed_at": computed_at,
            "run_id": run_id,
        }
        for agreement in agreements
    ]


def _flat(agreement: Agreement) -> dict[str, Any]:
    """The agreement's fields, each (low, high) interval as two columns ``<name>_low/_high``."""
    row = agreement.as_dict()
    for name in sql.CALIBRATION_INTERVALS:
        low, high = row.pop(name) or (None, None)
        row[f"{name}_low"], row[f"{name}_high"] = low, high
    return row


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
