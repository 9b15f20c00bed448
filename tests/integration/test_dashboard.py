"""The dashboard's numbers from the marts (DuckDB and PostgreSQL) and the page it renders."""

from datetime import UTC, date, datetime

from ticket_platform.dashboard.data import DashboardData, load_dashboard_data
from ticket_platform.dashboard.render import render_dashboard
from ticket_platform.evaluation.rubric import RUBRIC_VERSION

D1, D2 = date(2025, 8, 8), date(2025, 8, 9)
COUNTS = (
    "evaluated_count, contextual_relevance_passed_count, technical_accuracy_passed_count, "
    "professional_tone_passed_count, actionable_guidance_passed_count, all_criteria_passed_count"
)


def _marts(session) -> None:
    p = session.param
    session.begin()
    session.execute("create schema if not exists marts")
    session.execute(
        "create table marts.daily_ticket_volume (submitted_date date, product varchar(64), "
        "priority varchar(16), sentiment varchar(16), ticket_count integer, "
        "sla_breached_count integer)"
    )
    for row in [
        (D1, "EC2", "HIGH", "NEGATIVE", 2, 1),
        (D1, "S3", "NORMAL", "NEUTRAL", 3, 0),
        (D2, "EC2", "HIGH", "POSITIVE", 5, 2),
    ]:
        session.execute(
            f"insert into marts.daily_ticket_volume values ({p},{p},{p},{p},{p},{p})", row
        )
    session.execute("create table marts.fct_tickets (response_latency_seconds double precision)")
    for seconds in (10.0, 20.0, 40.0):
        session.execute(f"insert into marts.fct_tickets values ({p})", [seconds])
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


def test_numbers_come_from_the_marts(session):
    _marts(session)
    data = load_dashboard_data(session)
    assert (data.tickets, data.sla_breached) == (10, 3)
    assert data.median_response_seconds == 20.0
    assert data.judge == "rules:rules-v1", "the judge with the most verdicts"
    assert (data.judged, data.judge_passed) == (10, 6)
    assert data.pass_rates["EC2"]["professional_tone"] == (3, 7)
    assert data.volume[(D2, "HIGH")] == (5, 2)
    assert data.sentiment[(D1, "NEGATIVE")] == 2
    assert load_dashboard_data(session, judge="other:judge").judged == 2


def test_the_page_holds_the_kpis_and_four_charts():
    data = DashboardData(
        tickets=10,
        sla_breached=3,
        median_response_seconds=90.0,
        judged=10,
        judge_passed=6,
        judge="rules:rules-v1",
        volume={(D1, "HIGH"): (10, 3)},
        sentiment={(D1, "NEGATIVE"): 4, (D1, "POSITIVE"): 6},
        pass_rates={
            "<EC2>": {
                n: (6, 10)
                for n in (
                    "contextual_relevance",
                    "technical_accuracy",
                    "professional_tone",
                    "actionable_guidance",
                    "all_criteria",
                )
            }
        },
    )
    page = render_dashboard(data, datetime(2025, 8, 10, 6, 0, tzinfo=UTC))
    assert page.count('class="plotly-graph-div"') == 4
    for text in ("30.0%", "1.5 min", "60.0%", "2025-08-10 06:00 UTC", "rules:rules-v1"):
        assert text in page
    assert "https://" not in page.split("<script>", 2)[1][:200], "plotly.js is inlined"


def test_an_empty_warehouse_renders_dashes_not_errors():
    page = render_dashboard(DashboardData(), datetime(2025, 8, 10, tzinfo=UTC))
    assert page.count("—") >= 3
