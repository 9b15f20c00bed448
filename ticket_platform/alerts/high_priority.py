"""Alerts for HIGH-priority tickets whose generated response failed the evaluation rubric."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from ticket_platform.alerts.alert import Alert
from ticket_platform.contracts import Priority
from ticket_platform.evaluation.rubric import CRITERIA
from ticket_platform.evaluation.store_sql import EVALUATIONS_TABLE
from ticket_platform.ingest.tickets_sql import TICKETS_TABLE
from ticket_platform.warehouse.session import WarehouseSession

REASONING_LIMIT = 300
_CRITERIA = tuple(criterion.value for criterion in CRITERIA)
_VERDICT_COLUMNS = (
    "judge",
    "rubric_version",
    "cache_key",
    "evaluated_at",
    *_CRITERIA,
    *(f"{c}_reasoning" for c in _CRITERIA),
)
_COLUMNS = ("ticket_id", "product", "issue_type", "_partition_date", *_VERDICT_COLUMNS)


def high_priority_failures_sql(param: str, days: int) -> str:
    """Each judge's latest verdict (over rubric versions) on the HIGH tickets of ``days``
    partitions, when that verdict failed. Parameters: the days twice, then the priority."""
    marks = ", ".join([param] * days)
    verdicts = ", ".join(("ticket_id", *_VERDICT_COLUMNS, "all_passed"))
    return (
        f"select t.ticket_id, t.product, t.issue_type, t._partition_date, "
        f"{', '.join(f'v.{c}' for c in _VERDICT_COLUMNS)}\n"
        f"from {TICKETS_TABLE} as t\n"
        f"join (\n"
        f"    select {verdicts}, row_number() over (\n"
        f"        partition by ticket_id, judge order by evaluated_at desc, rubric_version desc\n"
        f"    ) as verdict_rank\n"
        f"    from {EVALUATIONS_TABLE}\n"
        f"    where status = 'evaluated' and partition_date in ({marks})\n"
        f") as v on v.ticket_id = t.ticket_id\n"
        f"where t._partition_date in ({marks}) and t.priority = {param}\n"
        f"    and v.verdict_rank = 1 and v.all_passed = false\n"
        f"order by t.ticket_id, v.judge"
    )


def high_priority_failures(
    session: WarehouseSession, days: Sequence[date], link: str | None = None
) -> list[Alert]:
    """One ``high_priority_response`` alert per (HIGH ticket, judge) whose latest verdict failed.

    The dedupe key includes the rubric version and the verdict's cache key, so the same verdict
    alerts once while a re-judged, changed response can alert again. ``link`` goes on every alert.
    """
    if not days:
        return []
    days = sorted(set(days))
    rows = session.query(
        high_priority_failures_sql(session.param, len(days)),
        [*days, *days, Priority.HIGH.value],
    )
    return [_alert(dict(zip(_COLUMNS, row, strict=True)), link) for row in rows]


def _alert(row: dict[str, Any], link: str | None) -> Alert:
    ticket_id, judge = row["ticket_id"], row["judge"]
    # None (no decision stored) is not a failure of that criterion; all_passed = false still is.
    failed = [c for c in _CRITERIA if row[c] is False]
    what = ", ".join(failed) if failed else "the rubric"
    details: dict[str, Any] = {
        "ticket_id": ticket_id,
        "product": row["product"],
        "issue_type": row["issue_type"],
        "judge": judge,
        "failed_criteria": failed,
        **{f"{c}_reasoning": _shorten(row[f"{c}_reasoning"]) for c in failed},
        "partition_date": row["_partition_date"].isoformat(),
    }
    return Alert(
        kind="high_priority_response",
        severity="error",
        title=f"HIGH-priority ticket {ticket_id}: response failed evaluation",
        reason=f"HIGH-priority ticket {ticket_id} got a response that failed {what} "
        f"(judge {judge}).",
        details=details,
        dedupe_key=(
            f"high_priority_response:{ticket_id}:{judge}:{row['rubric_version']}:{row['cache_key']}"
        ),
        occurred_at=row["evaluated_at"],
        link=link,
    )


def _shorten(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= REASONING_LIMIT else text[: REASONING_LIMIT - 1].rstrip() + "…"
