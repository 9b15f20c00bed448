"""What the dashboard shows, read from the marts with SQL that runs on every engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import SupportsFloat

from ticket_platform.evaluation.rubric import CRITERIA, RUBRIC_VERSION
from ticket_platform.warehouse.session import WarehouseSession

VOLUME = "marts.daily_ticket_volume"
PASS_RATES = "marts.evaluation_daily_pass_rates"
SUMMARY = "marts.ticket_summary"
BACKLOG = "marts.daily_backlog"
BREAKDOWNS = "marts.ticket_breakdowns"
CRITERION_NAMES = tuple(c.value for c in CRITERIA)

SUMMARY_KPIS = (
    "ticket_count",
    "median_first_response_minutes",
    "median_resolution_minutes",
    "sla_breach_rate",
    "reopen_rate",
    "csat",
    "escalation_rate",
)
BACKLOG_COUNTS = (
    "created_count",
    "solved_count",
    "open_high_count",
    "open_medium_count",
    "open_normal_count",
    "open_count",
)
BREAKDOWN_KPIS = (
    "ticket_count",
    "sla_breach_rate",
    "median_resolution_minutes",
    "csat",
    "judge_pass_rate",
)
BREAKDOWN_DIMENSIONS = ("team", "product")
TOP_BREAKDOWNS = 15


@dataclass
class DashboardData:
    tickets: int = 0
    # the processing SLA of fct_tickets (daily_ticket_volume); the help-desk SLA breach rate is
    # the summary KPI sla_breach_rate (kpi("sla_breach_rate"))
    processing_sla_breached: int = 0
    judged: int = 0
    judge_passed: int = 0
    judge: str | None = None
    # (day, priority) -> (tickets, processing SLA breached)
    volume: dict[tuple[date, str], tuple[int, int]] = field(default_factory=dict)
    # (day, sentiment) -> tickets
    sentiment: dict[tuple[date, str], int] = field(default_factory=dict)
    # product -> {criterion or "all_criteria": (passed, judged)}
    pass_rates: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    # summary_period ("all_time", "last_7_days", ...) -> {column of SUMMARY_KPIS: value}
    summary: dict[str, dict[str, float | None]] = field(default_factory=dict)
    # day -> {column of BACKLOG_COUNTS: tickets}
    backlog: dict[date, dict[str, int]] = field(default_factory=dict)
    # dimension -> [(value, {column of BREAKDOWN_KPIS: value})], most tickets first, top 15
    breakdowns: dict[str, list[tuple[str, dict[str, float | None]]]] = field(default_factory=dict)

    @property
    def processing_sla_breach_rate(self) -> float | None:
        return self.processing_sla_breached / self.tickets if self.tickets else None

    @property
    def judge_pass_rate(self) -> float | None:
        return self.judge_passed / self.judged if self.judged else None

    def kpi(self, name: str, period: str = "all_time") -> float | None:
        """One headline KPI of ticket_summary; None when the mart has no such period."""
        return self.summary.get(period, {}).get(name)


def load_dashboard_data(session: WarehouseSession, judge: str | None = None) -> DashboardData:
    """Volumes, processing-SLA breaches and sentiment from the ticket marts; pass rates of
    ``judge`` (default: the judge with the most verdicts) under the current rubric; the help-desk
    KPIs (help-desk SLA breach rate among them), backlog and breakdowns from the support marts
    when the warehouse has them (older ones do not)."""
    data = DashboardData(judge=judge or _busiest_judge(session))
    for day, priority, tickets, breached in session.query(
        f"select submitted_date, priority, sum(ticket_count), sum(processing_sla_breached_count) "
        f"from {VOLUME} group by submitted_date, priority"
    ):
        data.volume[(day, priority)] = (int(tickets), int(breached))
    for day, sentiment, tickets in session.query(
        f"select submitted_date, sentiment, sum(ticket_count) from {VOLUME} "
        "group by submitted_date, sentiment"
    ):
        data.sentiment[(day, sentiment)] = int(tickets)
    data.tickets = sum(t for t, _ in data.volume.values())
    data.processing_sla_breached = sum(b for _, b in data.volume.values())

    counts = ", ".join(f"sum({name}_passed_count)" for name in (*CRITERION_NAMES, "all_criteria"))
    for product, judged, *passed in session.query(
        f"select dimension_value, sum(evaluated_count), {counts} from {PASS_RATES} "
        f"where dimension = 'product' and judge = {session.param} "
        f"and rubric_version = {session.param} group by dimension_value",
        [data.judge, RUBRIC_VERSION],
    ):
        names = (*CRITERION_NAMES, "all_criteria")
        data.pass_rates[product] = {
            name: (int(p or 0), int(judged or 0)) for name, p in zip(names, passed, strict=True)
        }
        data.judged += int(judged or 0)
        data.judge_passed += int(passed[-1] or 0)

    marts = _mart_tables(session)
    if SUMMARY in marts:
        for period, *values in session.query(
            f"select summary_period, {', '.join(SUMMARY_KPIS)} from {SUMMARY}"
        ):
            data.summary[period] = dict(zip(SUMMARY_KPIS, map(_number, values), strict=True))
    if BACKLOG in marts:
        for day, *counts in session.query(
            f"select backlog_date, {', '.join(BACKLOG_COUNTS)} from {BACKLOG}"
        ):
            data.backlog[day] = {
                n: int(c or 0) for n, c in zip(BACKLOG_COUNTS, counts, strict=True)
            }
    if BREAKDOWNS in marts:
        dimensions = ", ".join(f"'{d}'" for d in BREAKDOWN_DIMENSIONS)
        for dimension, value, *values in session.query(
            f"select dimension, dimension_value, {', '.join(BREAKDOWN_KPIS)} from {BREAKDOWNS} "
            f"where dimension in ({dimensions}) "
            "order by dimension, ticket_count desc, dimension_value"
        ):
            rows = data.breakdowns.setdefault(dimension, [])
            if len(rows) < TOP_BREAKDOWNS:
                rows.append((value, dict(zip(BREAKDOWN_KPIS, map(_number, values), strict=True))))
    return data


def _busiest_judge(session: WarehouseSession) -> str | None:
    rows = session.query(
        f"select judge, sum(evaluated_count) as verdicts from {PASS_RATES} "
        f"where dimension = 'overall' and rubric_version = {session.param} "
        "group by judge order by verdicts desc, judge",
        [RUBRIC_VERSION],
    )
    return rows[0][0] if rows else None


def _mart_tables(session: WarehouseSession) -> set[str]:
    """``marts.<name>`` of every table and view in the marts schema."""
    rows = session.query(
        "select table_name from information_schema.tables where table_schema = 'marts'"
    )
    return {f"marts.{name.lower()}" for (name,) in rows}


def _number(value: SupportsFloat | None) -> float | None:
    return None if value is None else float(value)
