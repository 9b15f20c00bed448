"""What the dashboard shows, read from the marts with SQL that runs on every engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ticket_platform.evaluation.rubric import CRITERIA, RUBRIC_VERSION
from ticket_platform.lib.warehouse import WarehouseSession

VOLUME = "marts.daily_ticket_volume"
TICKETS = "marts.fct_tickets"
PASS_RATES = "marts.evaluation_daily_pass_rates"
CRITERION_NAMES = tuple(c.value for c in CRITERIA)


@dataclass
class DashboardData:
    tickets: int = 0
    sla_breached: int = 0
    median_response_seconds: float | None = None
    judged: int = 0
    judge_passed: int = 0
    judge: str | None = None
    # (day, priority) -> (tickets, SLA breached)
    volume: dict[tuple[date, str], tuple[int, int]] = field(default_factory=dict)
    # (day, sentiment) -> tickets
    sentiment: dict[tuple[date, str], int] = field(default_factory=dict)
    # product -> {criterion or "all_criteria": (passed, judged)}
    pass_rates: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)

    @property
    def sla_breach_rate(self) -> float | None:
        return self.sla_breached / self.tickets if self.tickets else None

    @property
    def judge_pass_rate(self) -> float | None:
        return self.judge_passed / self.judged if self.judged else None


def load_dashboard_data(session: WarehouseSession, judge: str | None = None) -> DashboardData:
    """Volumes, SLA and sentiment from the ticket marts; pass rates of ``judge`` (default: the
    judge with the most verdicts) under the current rubric."""
    data = DashboardData(judge=judge or _busiest_judge(session))
    for day, priority, tickets, breached in session.query(
        f"select submitted_date, priority, sum(ticket_count), sum(sla_breached_count) "
        f"from {VOLUME} group by submitted_date, priority"
    ):
        data.volume[(day, priority)] = (int(tickets), int(breached))
    for day, sentiment, tickets in session.query(
        f"select submitted_date, sentiment, sum(ticket_count) from {VOLUME} "
        "group by submitted_date, sentiment"
    ):
        data.sentiment[(day, sentiment)] = int(tickets)
    data.tickets = sum(t for t, _ in data.volume.values())
    data.sla_breached = sum(b for _, b in data.volume.values())
    [(median,)] = session.query(
        "select percentile_cont(0.5) within group (order by response_latency_seconds) "
        f"from {TICKETS}"
    )
    data.median_response_seconds = float(median) if median is not None else None

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
    return data


def _busiest_judge(session: WarehouseSession) -> str | None:
    rows = session.query(
        f"select judge, sum(evaluated_count) as verdicts from {PASS_RATES} "
        f"where dimension = 'overall' and rubric_version = {session.param} "
        "group by judge order by verdicts desc, judge",
        [RUBRIC_VERSION],
    )
    return rows[0][0] if rows else None
