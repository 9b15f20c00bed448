"""Render the dashboard as one self-contained HTML file (plotly charts, no network needed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import plotly.graph_objects as go
from jinja2 import Environment, select_autoescape
from plotly.offline import get_plotlyjs

from ticket_platform.reports.dashboard_charts import (
    Chart,
    backlog_age_chart,
    backlog_chart,
    backlog_status_chart,
    ordered_sla_metrics,
    pass_rate_chart,
    sentiment_chart,
    sla_chart,
    sla_metric_label,
    sla_outcome_chart,
    status_counts_chart,
    volume_chart,
)
from ticket_platform.reports.dashboard_data import (
    BREAKDOWN_DIMENSIONS,
    OPTIONAL_SUMMARY_KPIS,
    TOP_BREAKDOWNS,
    DashboardData,
)

Table = tuple[str, list[str], list[list[str]], str]  # title, header, rows, note when no rows

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Support dashboard</title>
<script>{{ plotly_js | safe }}</script>
<style>
 body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
 .kpis { display: flex; gap: 1rem; flex-wrap: wrap; }
 .kpi { border: 1px solid #ddd; border-radius: 8px; padding: .8rem 1.2rem; min-width: 11rem; }
 .kpi b { display: block; font-size: 1.6rem; }
 .kpi small, .empty { color: #777; }
 h2 { font-size: 1.1rem; margin-top: 2rem; }
 table { border-collapse: collapse; font-size: .9rem; }
 th, td { padding: .3rem .8rem; border-bottom: 1px solid #eee; }
 th { text-align: left; } td + td { text-align: right; }
 footer { color: #777; margin-top: 2rem; font-size: .85rem; }
</style></head><body>
<h1>Support dashboard</h1>
<div class="kpis">
{% for label, value, note in kpis %}<div class="kpi">{{ label }}<b>{{ value }}</b>
{%- if note %}<small>{{ note }}</small>{% endif %}</div>{% endfor %}
</div>
{% macro show(chart) %}{% if chart.html %}{{ chart.html | safe }}{% else %}
<div class="no-data"><h2>{{ chart.title }}</h2><p class="empty">{{ chart.note }}</p></div>
{% endif %}{% endmacro %}
{{ show(backlog) }}
{% for title, header, rows, note in tables %}<h2>{{ title }}</h2>
{% if rows %}<table><tr>{% for cell in header %}<th>{{ cell }}</th>{% endfor %}</tr>
{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</table>
{% else %}<p class="empty">{{ note }}</p>
{% endif %}{% endfor %}
{% for chart in charts %}{{ show(chart) }}{% endfor %}
<footer>Generated {{ generated_at }} from the marts (ticket_summary, daily_backlog,
daily_backlog_by_age, ticket_status_counts, sla_events, ticket_breakdowns, daily_ticket_volume,
evaluation_daily_pass_rates)
{%- if judge %}; judge {{ judge }}{% endif %}.</footer>
</body></html>
"""


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _minutes(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    if minutes < 1:
        return f"{minutes * 60:.0f} s"
    if minutes < 60:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h" if minutes < 48 * 60 else f"{minutes / 1440:.1f} d"


def _html(figure: go.Figure) -> str:
    figure.update_layout(height=380, margin={"t": 60, "b": 40}, template="plotly_white")
    return figure.to_html(full_html=False, include_plotlyjs=False)


def _rendered(chart: Chart) -> dict[str, str | None]:
    html = _html(chart.figure) if chart.figure is not None else None
    return {"title": chart.title, "html": html, "note": chart.note}


Format = Callable[[float | None], str]
# The headline tiles after the ticket count: (label, ticket_summary column, format). The first
# response of ticket_summary is the AI-drafted reply (RESPONSE_GENERATED), not a person's.
SUMMARY_TILES: tuple[tuple[str, str, Format], ...] = (
    ("Median first response (AI draft)", "median_first_response_minutes", _minutes),
    ("Median first agent reply", "median_first_agent_reply_minutes", _minutes),
    ("Median resolution", "median_resolution_minutes", _minutes),
    ("Median requester wait (solved)", "median_requester_wait_minutes", _minutes),
    ("Help-desk SLA breach rate", "sla_breach_rate", _percent),
    ("Reopen rate", "reopen_rate", _percent),
    ("One-touch resolution", "one_touch_resolution_rate", _percent),
    ("Solved on the AI draft alone", "ai_draft_accepted_rate", _percent),
    ("CSAT (rated 4 or 5)", "csat", _percent),
    ("Escalation rate", "escalation_rate", _percent),
)


def kpi_tiles(data: DashboardData) -> list[tuple[str, str, str | None]]:
    """(label, all-time value, last-7-days line or None) of each headline tile. A KPI of
    OPTIONAL_SUMMARY_KPIS has a tile only when the warehouse's ticket_summary has its column."""

    def tile(label: str, name: str, show: Format) -> tuple[str, str, str | None]:
        week = f"last 7 days: {show(data.kpi(name, 'last_7_days'))}"
        return label, show(data.kpi(name)), week if "last_7_days" in data.summary else None

    week_tickets = data.kpi("ticket_count", "last_7_days")
    return [
        (
            "Tickets",
            f"{data.tickets:,}",
            None if week_tickets is None else f"{week_tickets:,.0f} in the last 7 days",
        ),
        *(
            tile(label, name, show)
            for label, name, show in SUMMARY_TILES
            if name not in OPTIONAL_SUMMARY_KPIS or data.has_kpi(name)
        ),
        ("Judge pass rate (all criteria)", _percent(data.judge_pass_rate), None),
    ]


def breakdown_tables(data: DashboardData) -> list[Table]:
    """(title, header, rows) of one table per dimension: the values with the most tickets."""
    tables = []
    for dimension in BREAKDOWN_DIMENSIONS:
        header = [dimension.capitalize(), "Tickets", "Help-desk SLA breach rate"]
        header += ["Median resolution", "CSAT", "Judge pass rate (all judges)"]
        rows = [
            [
                "—" if value is None else value,
                f"{kpis['ticket_count'] or 0:,.0f}",
                _percent(kpis["sla_breach_rate"]),
                _minutes(kpis["median_resolution_minutes"]),
                _percent(kpis["csat"]),
                _percent(kpis["judge_pass_rate"]),
            ]
            for value, kpis in data.breakdowns.get(dimension, [])
        ]
        title = (
            f"Help-desk SLA, resolution and CSAT by {dimension} (top {TOP_BREAKDOWNS} by tickets)"
        )
        note = "No data yet (marts.ticket_breakdowns is missing or empty)."
        tables.append((title, header, rows, note))
    return tables


def sla_table(data: DashboardData) -> Table:
    """Each help-desk SLA metric's clocks by outcome and its breach rate (of known outcomes)."""
    rows = []
    for metric in ordered_sla_metrics(data.sla_outcomes):
        outcome = data.sla_outcomes[metric]
        known = outcome["achieved"] + outcome["breached"]
        rows.append(
            [
                sla_metric_label(metric),
                f"{sum(outcome.values()):,}",
                f"{outcome['achieved']:,}",
                f"{outcome['active']:,}",
                f"{outcome['breached']:,}",
                _percent(outcome["breached"] / known if known else None),
            ]
        )
    header = ["Metric", "Clocks", "Achieved", "Running", "Breached", "Breach rate (known)"]
    note = "No data yet (marts.sla_events is missing or empty)."
    return "Help-desk SLAs by metric", header, rows, note


def render_dashboard(data: DashboardData, generated_at: datetime) -> str:
    """The whole page as one HTML string (plotly.js inlined, so it opens offline)."""
    charts = [
        backlog_status_chart(data),
        backlog_age_chart(data),
        status_counts_chart(data),
        sla_outcome_chart(data),
        volume_chart(data),
        sla_chart(data),
        sentiment_chart(data),
        pass_rate_chart(data),
    ]
    template = Environment(autoescape=select_autoescape(default=True)).from_string(_PAGE)
    return template.render(
        plotly_js=get_plotlyjs(),
        kpis=kpi_tiles(data),
        backlog=_rendered(backlog_chart(data)),
        tables=[sla_table(data), *breakdown_tables(data)],
        charts=[_rendered(chart) for chart in charts],
        generated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        judge=data.judge,
    )
