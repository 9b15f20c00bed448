"""The dashboard's numbers from the marts (DuckDB and PostgreSQL) and the page it renders."""

from datetime import UTC, date, datetime

from ticket_platform.evaluation.rubric import RUBRIC_VERSION
from ticket_platform.reports.dashboard_data import (
    BACKLOG_COUNTS,
    DashboardData,
    load_dashboard_data,
)
from ticket_platform.reports.dashboard_render import render_dashboard

D1, D2 = date(2025, 8, 8), date(2025, 8, 9)
COUNTS = (
    "evaluated_count, contextual_relevance_passed_count, technical_accuracy_passed_count, "
    "professional_tone_passed_count, actionable_guidance_passed_count, all_criteria_passed_count"
)
# the KPI columns of ticket_summary and ticket_breakdowns the dashboard reads, in this order
KPIS = (
    "ticket_count bigint, median_first_response_minutes double precision, "
    "median_resolution_minutes double precision, sla_breach_rate double precision, "
    "reopen_rate double precision, csat double precision, escalation_rate double precision, "
    "judge_pass_rate double precision"
)
CRITERIA_RATES = {
    n: (6, 10)
    for n in (
        "contextual_relevance",
        "technical_accuracy",
        "professional_tone",
        "actionable_guidance",
        "all_criteria",
    )
}


def _marts(session) -> None:
    p = session.param
    session.begin()
    session.execute("create schema if not exists marts")
    session.execute(
        "create table marts.daily_ticket_volume (submitted_date date, product varchar(64), "
        "priority varchar(16), sentiment varchar(16), ticket_count integer, "
        "processing_sla_breached_count integer)"
    )
    for row in [
        (D1, "EC2", "HIGH", "NEGATIVE", 2, 1),
        (D1, "S3", "NORMAL", "NEUTRAL", 3, 0),
        (D2, "EC2", "HIGH", "POSITIVE", 5, 2),
    ]:
        session.execute(
            f"insert into marts.daily_ticket_volume values ({p},{p},{p},{p},{p},{p})", row
        )
    session.execute(
        "create table marts.evaluation_daily_pass_rates (submitted_date date, judge varchar(64), "
        "rubric_version varchar(64), dimension varchar(32), dimension_value varchar(64), "
        f"{', '.join(c + ' integer' for c in COUNTS.split(', '))})"
    )
    rows = [
        ("rules:rules-v1", "product", "EC2", 7, 7, 7, 3, 6, 3),
        ("rules:rules-v1", "product", "S3", 3, 3, 3, 3, 3, 3),
        ("rules:rules-v1", "overall", "all", 10, 10, 10, 6, 9, 6),
        ("other:judge", "overall", "all", 2, 2, 2, 2, 2, 2),
        ("other:judge", "product", "EC2", 2, 2, 2, 2, 2, 2),
    ]
    for judge, dimension, value, *counts in rows:
        session.execute(
            f"insert into marts.evaluation_daily_pass_rates values ({', '.join([p] * 11)})",
            [D1, judge, RUBRIC_VERSION, dimension, value, *counts],
        )
    session.commit()


def _support_marts(session, *, empty: bool = False) -> None:
    """ticket_summary, daily_backlog and ticket_breakdowns, with the columns the dashboard reads
    (and rows unless ``empty``)."""
    tables = {
        "ticket_summary": (
            f"summary_period varchar(16), {KPIS}",
            [
                ("all_time", 10, 42.0, 390.0, 0.25, 0.1, 0.8, 0.3, 0.6),
                ("last_30_days", 10, 42.0, 390.0, 0.25, 0.1, 0.8, 0.3, 0.6),
                ("last_7_days", 4, 0.5, 4320.0, 0.5, None, None, 0.25, 0.5),
            ],
        ),
        "daily_backlog": (
            f"backlog_date date, is_business_day boolean, "
            f"{', '.join(c + ' bigint' for c in BACKLOG_COUNTS)}",
            # created, solved, open HIGH, MEDIUM, NORMAL, all open
            [(D1, True, 5, 1, 2, 1, 1, 4), (D2, False, 5, 3, 3, 2, 1, 6)],
        ),
        "ticket_breakdowns": (
            f"dimension varchar(32), dimension_value varchar(64), {KPIS}",
            # products with 1..17 tickets (the 15 busiest are shown), a team and a priority
            [
                ("product", f"P{n:02d}", n, 1.0, 60.0 * n, n / 100, 0.0, 0.5, 0.0, None)
                for n in range(1, 18)
            ]
            + [
                ("team", "compute", 10, 2.0, 45.0, 0.2, 0.1, 0.9, 0.7, 0.75),
                ("priority", "HIGH", 99, 2.0, 45.0, 0.2, 0.1, 0.9, 0.7, 0.75),
            ],
        ),
    }
    session.begin()
    for name, (columns, rows) in tables.items():
        session.execute(f"create table marts.{name} ({columns})")
        for row in [] if empty else rows:
            placeholders = ", ".join([session.param] * len(row))
            session.execute(f"insert into marts.{name} values ({placeholders})", row)
    session.commit()


def test_numbers_come_from_the_marts(session):
    _marts(session)
    _support_marts(session)
    data = load_dashboard_data(session)
    assert (data.tickets, data.processing_sla_breached) == (10, 3)
    assert data.processing_sla_breach_rate == 0.3
    assert data.judge == "rules:rules-v1", "the judge with the most verdicts"
    assert (data.judged, data.judge_passed) == (10, 6)
    assert data.pass_rates["EC2"]["professional_tone"] == (3, 7)
    assert data.volume[(D2, "HIGH")] == (5, 2)
    assert data.sentiment[(D1, "NEGATIVE")] == 2
    assert load_dashboard_data(session, judge="other:judge").judged == 2

    assert set(data.summary) == {"all_time", "last_30_days", "last_7_days"}
    assert data.summary["all_time"] == {
        "ticket_count": 10,
        "median_first_response_minutes": 42.0,
        "median_resolution_minutes": 390.0,
        "sla_breach_rate": 0.25,
        "reopen_rate": 0.1,
        "csat": 0.8,
        "escalation_rate": 0.3,
    }
    assert data.kpi("csat", "last_7_days") is None
    assert data.kpi("median_resolution_minutes", "last_7_days") == 4320.0
    assert data.backlog[D2] == {
        "created_count": 5,
        "solved_count": 3,
        "open_high_count": 3,
        "open_medium_count": 2,
        "open_normal_count": 1,
        "open_count": 6,
    }
    assert set(data.breakdowns) == {"product", "team"}, "priority is not shown"
    products = data.breakdowns["product"]
    assert [value for value, _ in products] == [f"P{n:02d}" for n in range(17, 2, -1)]
    assert products[0][1] == {
        "ticket_count": 17,
        "sla_breach_rate": 0.17,
        "median_resolution_minutes": 1020.0,
        "csat": 0.5,
        "judge_pass_rate": None,
    }
    assert data.breakdowns["team"] == [
        (
            "compute",
            {
                "ticket_count": 10,
                "sla_breach_rate": 0.2,
                "median_resolution_minutes": 45.0,
                "csat": 0.9,
                "judge_pass_rate": 0.75,
            },
        )
    ]

    page = render_dashboard(data, datetime(2025, 8, 10, tzinfo=UTC))
    assert page.count('class="plotly-graph-div"') == 5, "four charts and the backlog"
    for text in ("42 min", "6.5 h", "last 7 days: 3.0 d", "last 7 days: 30 s", "25.0%"):
        assert text in page
    assert "<td>P17</td>" in page and "<td>P03</td>" in page and "<td>P02</td>" not in page
    assert "No data yet" not in page


def test_an_older_warehouse_without_the_support_marts_still_loads(session):
    _marts(session)
    data = load_dashboard_data(session)
    assert (data.summary, data.backlog, data.breakdowns) == ({}, {}, {})
    assert data.tickets == 10
    _support_marts(session, empty=True)
    data = load_dashboard_data(session)
    assert (data.summary, data.backlog, data.breakdowns) == ({}, {}, {})
    page = render_dashboard(data, datetime(2025, 8, 10, tzinfo=UTC))
    assert page.count('class="plotly-graph-div"') == 4, "no backlog chart"
    assert page.count("No data yet") == 3, "backlog and both breakdown tables"
    assert "Median resolution<b>—</b>" in page and ">10</b>" in page


def test_the_page_holds_the_kpis_the_backlog_and_the_charts():
    data = DashboardData(
        tickets=10,
        processing_sla_breached=3,
        judged=10,
        judge_passed=6,
        judge="rules:rules-v1",
        volume={(D1, "HIGH"): (10, 3)},
        sentiment={(D1, "NEGATIVE"): 4, (D1, "POSITIVE"): 6},
        pass_rates={"<EC2>": CRITERIA_RATES},
        summary={
            "all_time": {
                "ticket_count": 10,
                "median_first_response_minutes": 42.0,
                "median_resolution_minutes": 390.0,
                "sla_breach_rate": 0.3,
                "reopen_rate": 0.05,
                "csat": 0.875,
                "escalation_rate": 0.125,
            },
            "last_7_days": {"ticket_count": 1234, "median_first_response_minutes": 0.25},
        },
        backlog={
            D1: dict.fromkeys(BACKLOG_COUNTS, 1),
            D2: dict.fromkeys(BACKLOG_COUNTS, 2),
        },
        breakdowns={
            "team": [
                (
                    "<compute>",
                    {
                        "ticket_count": 1500,
                        "sla_breach_rate": 0.125,
                        "median_resolution_minutes": 90.0,
                        "csat": None,
                        "judge_pass_rate": 1.0,
                    },
                )
            ]
        },
    )
    page = render_dashboard(data, datetime(2025, 8, 10, 6, 0, tzinfo=UTC))
    assert page.count('class="plotly-graph-div"') == 5
    assert "Open backlog at end of day" in page and '"name":"solved"' in page
    for text in (
        "Tickets<b>10</b><small>1,234 in the last 7 days</small>",
        "Median first response<b>42 min</b><small>last 7 days: 15 s</small>",
        "Median resolution<b>6.5 h</b><small>last 7 days: —</small>",
        "Help-desk SLA breach rate<b>30.0%</b>",
        "Reopen rate<b>5.0%</b>",
        "CSAT (rated 4 or 5)<b>87.5%</b>",
        "Escalation rate<b>12.5%</b>",
        "Judge pass rate (all criteria)<b>60.0%</b>",
        "<td>&lt;compute&gt;</td><td>1,500</td><td>12.5%</td><td>1.5 h</td><td>—</td>",
        "2025-08-10 06:00 UTC",
        "rules:rules-v1",
    ):
        assert text in page
    assert page.count("No data yet") == 1, "no product breakdown"
    assert "https://" not in page.split("<script>", 2)[1][:200], "plotly.js is inlined"


def test_an_empty_warehouse_renders_dashes_not_errors():
    page = render_dashboard(DashboardData(), datetime(2025, 8, 10, tzinfo=UTC))
    assert page.count("<b>—</b>") == 7, "every tile but the ticket count"
    assert page.count("No data yet") == 3
    assert page.count('class="plotly-graph-div"') == 4
