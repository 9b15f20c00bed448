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
SLA_EVENTS = "marts.sla_events"
BACKLOG_BY_AGE = "marts.daily_backlog_by_age"
STATUS_COUNTS = "marts.ticket_status_counts"
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
# ticket_summary KPIs read when the warehouse has them (newer support marts); tiles show only then
OPTIONAL_SUMMARY_KPIS = (
    "median_first_agent_reply_minutes",
    "median_requester_wait_minutes",
    "one_touch_resolution_rate",
    "ai_draft_accepted_rate",
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
SLA_STATUSES = ("achieved", "breached", "active")
# help-desk statuses (Zendesk's), in a ticket's life order; all but solved are the open backlog
HELPDESK_STATUSES = ("new", "open", "pending", "on_hold", "solved")
BACKLOG_STATUSES = HELPDESK_STATUSES[:-1]
NO_TEAM = "(no team)"


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
    # help-desk SLA metric of sla_events -> {sla_status: clocks}
    sla_outcomes: dict[str, dict[str, int]] = field(default_factory=dict)
    # daily_backlog_by_age: day -> {help-desk status of BACKLOG_STATUSES: open tickets}
    backlog_statuses: dict[date, dict[str, int]] = field(default_factory=dict)
    # daily_backlog_by_age on its latest day: (team, age bucket) -> open tickets
    backlog_ages: dict[tuple[str, str], int] = field(default_factory=dict)
    # age buckets in order ("<1d", "1-3d", ...), as the mart orders them
    age_buckets: list[str] = field(default_factory=list)
    # ticket_status_counts: (help-desk status, priority) -> tickets now
    status_counts: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def processing_sla_breach_rate(self) -> float | None:
        return self.processing_sla_breached / self.tickets if self.tickets else None

    @property
    def judge_pass_rate(self) -> float | None:
        return self.judge_passed / self.judged if self.judged else None

    def kpi(self, name: str, period: str = "all_time") -> float | None:
        """One headline KPI of ticket_summary; None when the mart has no such period."""
        return self.summary.get(period, {}).get(name)

    def has_kpi(self, name: str) -> bool:
        """Whether ticket_summary has the KPI's column (an older warehouse lacks newer ones)."""
        return any(name in kpis for kpis in self.summary.values())


def load_dashboard_data(session: WarehouseSession, judge: str | None = None) -> DashboardData:
    """Volumes, processing-SLA breaches and sentiment from the ticket marts; pass rates of
    ``judge`` (default: the judge with the most verdicts) under the current rubric; the help-desk
    KPIs (help-desk SLA breach rate among them), backlog, breakdowns and the outcomes of each
    help-desk SLA clock from the support marts when the warehouse has them (older ones do not;
    ticket_summary KPIs of OPTIONAL_SUMMARY_KPIS are read when their column exists)."""
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

    _load_support_marts(session, data, _mart_columns(session))
    return data


def _load_support_marts(
    session: WarehouseSession, data: DashboardData, marts: dict[str, set[str]]
) -> None:
    """The support marts' part of ``data``: each one the warehouse has (``marts``)."""
    if SUMMARY in marts:
        kpis = [k for k in (*SUMMARY_KPIS, *OPTIONAL_SUMMARY_KPIS) if k in marts[SUMMARY]]
        for period, *values in session.query(
            f"select summary_period, {', '.join(kpis)} from {SUMMARY}"
        ):
            data.summary[period] = dict(zip(kpis, map(_number, values), strict=True))
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
    if SLA_EVENTS in marts:
        for metric, status, clocks in session.query(
            f"select metric, sla_status, count(*) from {SLA_EVENTS} group by metric, sla_status"
        ):
            outcomes = data.sla_outcomes.setdefault(metric, dict.fromkeys(SLA_STATUSES, 0))
            outcomes[status] = int(clocks)
    if BACKLOG_BY_AGE in marts:
        _load_backlog_by_age(session, data)
    if STATUS_COUNTS in marts:
        for status, priority, tickets in session.query(
            f"select helpdesk_status, priority, sum(ticket_count) from {STATUS_COUNTS} "
            "group by helpdesk_status, priority"
        ):
            data.status_counts[(status, priority or "not set")] = int(tickets or 0)


def _load_backlog_by_age(session: WarehouseSession, data: DashboardData) -> None:
    """The open backlog per day by help-desk status, and on the latest day by team and age."""
    sums = ", ".join(f"sum(status_{status}_count)" for status in BACKLOG_STATUSES)
    for day, *counts in session.query(
        f"select backlog_date, {sums} from {BACKLOG_BY_AGE} group by backlog_date"
    ):
        data.backlog_statuses[day] = {
            status: int(count or 0) for status, count in zip(BACKLOG_STATUSES, counts, strict=True)
        }
    buckets: dict[str, int] = {}
    for team, bucket, order, tickets in session.query(
        f"select team, age_bucket, age_bucket_order, sum(backlog_count) from {BACKLOG_BY_AGE} "
        f"where backlog_date = (select max(backlog_date) from {BACKLOG_BY_AGE}) "
        "group by team, age_bucket, age_bucket_order"
    ):
        data.backlog_ages[(team or NO_TEAM, bucket)] = int(tickets or 0)
        buckets[bucket] = int(order)
    data.age_buckets = sorted(buckets, key=buckets.__getitem__)


def _busiest_judge(session: WarehouseSession) -> str | None:
    rows = session.query(
        f"select judge, sum(evaluated_count) as verdicts from {PASS_RATES} "
        f"where dimension = 'overall' and rubric_version = {session.param} "
        "group by judge order by verdicts desc, judge",
        [RUBRIC_VERSION],
    )
    return rows[0][0] if rows else None


def _mart_columns(session: WarehouseSession) -> dict[str, set[str]]:
    """``marts.<name>`` -> its column names, for every table and view in the marts schema."""
    rows = session.query(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts'"
    )
    columns: dict[str, set[str]] = {}
    for table, column in rows:
        columns.setdefault(f"marts.{table.lower()}", set()).add(column.lower())
    return columns


def _number(value: SupportsFloat | None) -> float | None:
    return None if value is None else float(value)
