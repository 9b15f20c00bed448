"""The dashboard's numbers from the marts (DuckDB and PostgreSQL) and the page it renders."""

from datetime import UTC, datetime

import dagster as dg
import plotly.graph_objects as go
from helpers.dashboard_marts import D1, D2, support_marts, ticket_marts

from ticket_platform.ingest.resources import LandingResource
from ticket_platform.reports.assets import DASHBOARD_KEY, build_dashboard_asset
from ticket_platform.reports.dashboard_charts import has_data
from ticket_platform.reports.dashboard_data import (
    BACKLOG_COUNTS,
    DashboardData,
    load_dashboard_data,
)
from ticket_platform.reports.dashboard_render import render_dashboard
from ticket_platform.settings import get_settings
from ticket_platform.warehouse.duckdb_engine import duckdb_session
from ticket_platform.warehouse.resource import DuckDBWarehouse

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


def test_numbers_come_from_the_marts(session):
    ticket_marts(session)
    support_marts(session)
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
        "median_first_agent_reply_minutes": 95.0,
        "median_requester_wait_minutes": 1500.0,
        "one_touch_resolution_rate": 0.4,
        "ai_draft_accepted_rate": 0.125,
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

    assert data.sla_outcomes == {
        "first_response": {"achieved": 3, "breached": 1, "active": 0},
        "resolution": {"achieved": 1, "breached": 0, "active": 2},
        "agent_first_reply": {"achieved": 1, "breached": 1, "active": 0},
        "custom_metric": {"achieved": 0, "breached": 0, "active": 1},
    }
    # daily_backlog_by_age: per day by status; on the latest day by team (null: no team) and age
    assert data.backlog_statuses == {
        D1: {"new": 1, "open": 2, "pending": 0, "on_hold": 0},
        D2: {"new": 2, "open": 2, "pending": 3, "on_hold": 1},
    }
    assert data.backlog_ages == {
        ("compute", "1-3d"): 2,
        ("compute", "<1d"): 1,
        ("storage", ">14d"): 4,
        ("(no team)", "<1d"): 1,
    }
    assert data.age_buckets == ["<1d", "1-3d", ">14d"], "the mart's bucket order"
    assert data.status_counts == {
        ("new", "HIGH"): 1,
        ("open", "HIGH"): 5,
        ("pending", "not set"): 1,
        ("solved", "NORMAL"): 7,
    }

    page = render_dashboard(data, datetime(2025, 8, 10, tzinfo=UTC))
    assert page.count('class="plotly-graph-div"') == 9, "eight charts and the backlog"
    for text in ("42 min", "6.5 h", "last 7 days: 3.0 d", "last 7 days: 30 s", "25.0%"):
        assert text in page
    for tile in (
        "Median first response (AI draft)<b>42 min</b>",
        "Median first agent reply<b>1.6 h</b><small>last 7 days: —</small>",
        "Median requester wait (solved)<b>25.0 h</b>",
        "One-touch resolution<b>40.0%</b>",
        "Solved on the AI draft alone<b>12.5%</b>",
    ):
        assert tile in page
    for title in (
        "Open backlog at end of day by help-desk status",
        "Open backlog today by team and age",
        "Tickets now by help-desk status and priority",
        "Help-desk SLA clocks by metric and outcome",
    ):
        assert title in page
    assert "<td>P17</td>" in page and "<td>P03</td>" in page and "<td>P02</td>" not in page
    assert "No data yet" not in page and "No data for this period" not in page
    # one row per metric in a ticket's life order, unknown ones last: clocks, achieved,
    # running, breached, breach rate of the known outcomes
    sla_rows = [
        "<td>First response (AI draft)</td><td>4</td><td>3</td><td>0</td><td>1</td><td>25.0%</td>",
        "<td>First agent reply</td><td>2</td><td>1</td><td>0</td><td>1</td><td>50.0%</td>",
        "<td>Resolution</td><td>3</td><td>1</td><td>2</td><td>0</td><td>0.0%</td>",
        "<td>Custom metric</td><td>1</td><td>0</td><td>1</td><td>0</td><td>—</td>",
    ]
    positions = [page.index(row) for row in sla_rows]
    assert positions == sorted(positions)


def test_an_older_warehouse_without_the_support_marts_still_loads(session):
    ticket_marts(session)
    data = load_dashboard_data(session)
    assert (data.summary, data.backlog, data.breakdowns, data.sla_outcomes) == ({}, {}, {}, {})
    assert (data.backlog_statuses, data.backlog_ages, data.status_counts) == ({}, {}, {})
    assert data.tickets == 10
    support_marts(session, empty=True, conversation=False)
    data = load_dashboard_data(session)
    assert (data.summary, data.backlog, data.breakdowns, data.sla_outcomes) == ({}, {}, {}, {})
    page = render_dashboard(data, datetime(2025, 8, 10, tzinfo=UTC))
    assert page.count('class="plotly-graph-div"') == 4, "volume, processing SLA, sentiment, judge"
    assert page.count("No data yet") == 6, "backlog, SLA chart and table, breakdowns, statuses"
    assert page.count("No open ticket") == 2, "backlog by status and by age"
    assert "Median resolution<b>—</b>" in page and ">10</b>" in page


def test_the_conversation_kpis_show_once_ticket_summary_has_them(session):
    """The tiles of the first agent reply, requester wait, one-touch and AI-draft-accepted
    resolution appear with their ticket_summary columns; an older summary has none."""
    ticket_marts(session)
    support_marts(session, conversation=False)
    data = load_dashboard_data(session)
    assert not data.has_kpi("median_first_agent_reply_minutes") and data.has_kpi("csat")
    page = render_dashboard(data, datetime(2025, 8, 10, tzinfo=UTC))
    assert "Median first response (AI draft)<b>42 min</b>" in page
    for label in ("first agent reply", "requester wait", "One-touch", "AI draft alone"):
        assert label not in page
    assert 'Open backlog today by team and age</h2><p class="empty">No open ticket' in page


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
    assert page.count('class="plotly-graph-div"') == 5, "the backlog and the four ticket charts"
    assert "Open backlog at end of day" in page and '"name":"solved"' in page
    for text in (
        "Tickets<b>10</b><small>1,234 in the last 7 days</small>",
        "Median first response (AI draft)<b>42 min</b><small>last 7 days: 15 s</small>",
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
    assert page.count("No data yet") == 4, "product breakdown, sla_events (chart, table), statuses"
    assert "https://" not in page.split("<script>", 2)[1][:200], "plotly.js is inlined"


def test_an_empty_warehouse_renders_dashes_and_notes_not_charts():
    page = render_dashboard(DashboardData(), datetime(2025, 8, 10, tzinfo=UTC))
    assert page.count("<b>—</b>") == 7, "every tile but the ticket count"
    assert page.count("No data yet") == 6, "backlog, SLA chart and table, breakdowns, statuses"
    assert page.count('class="plotly-graph-div"') == 0, "no chart without data"
    assert page.count("No tickets in this period.") == 3, "volume, processing SLA, sentiment"
    assert 'Judge pass rate by product</h2><p class="empty">No judged responses' in page


def test_a_chart_whose_values_are_all_zero_is_a_note_not_a_flat_line():
    """The processing SLA of a demo is never breached: its chart was a flat zero line."""
    data = DashboardData(
        tickets=12,
        volume={(D1, "HIGH"): (5, 0), (D2, "NORMAL"): (7, 0)},
        sentiment={(D1, "NEGATIVE"): 5, (D2, "POSITIVE"): 7},
        pass_rates={"EC2": dict.fromkeys(CRITERIA_RATES, (0, 4))},
    )
    page = render_dashboard(data, datetime(2025, 8, 10, tzinfo=UTC))
    assert '"name":"processing SLA breached"' not in page
    assert (
        "Processing SLA breaches per day (ticket processed after its due time)</h2>"
        '<p class="empty">No processing SLA breach in this period: all 12 tickets were '
        "processed before their due time.</p>"
    ) in page
    assert "Every judged response failed every criterion (pass rate 0 %)." in page
    assert page.count('class="plotly-graph-div"') == 2, "volume and sentiment have data"
    assert "Tickets per day, by priority" in page and "Sentiment share per day" in page


def test_has_data_ignores_missing_and_zero_values():
    assert not has_data(go.Figure())
    assert not has_data(go.Figure([go.Bar(x=["a", "b"], y=[0, 0]), go.Scatter(y=[None])]))
    assert has_data(go.Figure([go.Bar(x=["a", "b"], y=[0, 2])]))
    assert has_data(go.Figure([go.Scatter(x=[D1], y=[0.25])]))
    horizontal = go.Bar(y=["first response"], x=[3], orientation="h")
    assert has_data(go.Figure([horizontal]))
    assert not has_data(go.Figure([go.Bar(y=["a"], x=[0], orientation="h")]))


def test_the_dashboard_asset_writes_the_page_and_its_headline_metadata(tmp_path):
    """The Dagster asset on a DuckDB warehouse: the page lands in the lake; the metadata has the
    AI draft's and a person's first reply medians only when they are known."""
    database = tmp_path / "warehouse.duckdb"
    with duckdb_session(database) as session:
        ticket_marts(session)
        support_marts(session)
    materialization = _materialize_dashboard(tmp_path, database)
    metadata = {key: value.value for key, value in materialization.metadata.items()}
    assert metadata["tickets"] == 10 and metadata["open_backlog"] == 6
    assert metadata["median_ai_draft_minutes"] == 42.0
    assert metadata["median_first_agent_reply_minutes"] == 95.0
    page = (tmp_path / "lake" / DASHBOARD_KEY).read_text()
    assert "Median first agent reply<b>1.6 h</b>" in page


def test_unknown_medians_are_left_out_of_the_asset_metadata(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    with duckdb_session(database) as session:
        ticket_marts(session)
        support_marts(session, empty=True)
    materialization = _materialize_dashboard(tmp_path, database)
    assert "median_ai_draft_minutes" not in materialization.metadata
    assert "median_first_agent_reply_minutes" not in materialization.metadata


def _materialize_dashboard(tmp_path, database) -> dg.AssetMaterialization:
    result = dg.materialize(
        [build_dashboard_asset(get_settings())],
        resources={
            "landing": LandingResource(uri=str(tmp_path / "lake")),
            "warehouse": DuckDBWarehouse(database=str(database)),
        },
    )
    [materialization] = result.asset_materializations_for_node("reports__support_dashboard")
    return materialization
