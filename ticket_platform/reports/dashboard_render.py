"""Render the dashboard as one self-contained HTML file (plotly charts, no network needed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import plotly.graph_objects as go
from jinja2 import Environment, select_autoescape
from plotly.offline import get_plotlyjs

from ticket_platform.reports.dashboard_data import (
    BREAKDOWN_DIMENSIONS,
    CRITERION_NAMES,
    TOP_BREAKDOWNS,
    DashboardData,
)

SENTIMENT_COLOURS = {
    "NEGATIVE": "#d62728",
    "MIXED": "#ff7f0e",
    "NEUTRAL": "#7f7f7f",
    "POSITIVE": "#2ca02c",
}
PRIORITY_COLOURS = {"HIGH": "#d62728", "MEDIUM": "#ff7f0e", "NORMAL": "#1f77b4"}

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
{% if backlog %}{{ backlog | safe }}{% else %}<h2>Open backlog</h2>
<p class="empty">No data yet (marts.daily_backlog is missing or empty).</p>{% endif %}
{% for title, header, rows in tables %}<h2>{{ title }}</h2>
{% if rows %}<table><tr>{% for cell in header %}<th>{{ cell }}</th>{% endfor %}</tr>
{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</table>
{% else %}<p class="empty">No data yet (marts.ticket_breakdowns is missing or empty).</p>
{% endif %}{% endfor %}
{% for chart in charts %}{{ chart | safe }}{% endfor %}
<footer>Generated {{ generated_at }} from the marts (ticket_summary, daily_backlog,
ticket_breakdowns, daily_ticket_volume, evaluation_daily_pass_rates)
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


def kpi_tiles(data: DashboardData) -> list[tuple[str, str, str | None]]:
    """(label, all-time value, last-7-days line or None) of each headline tile."""

    def tile(
        label: str, name: str, show: Callable[[float | None], str]
    ) -> tuple[str, str, str | None]:
        week = f"last 7 days: {show(data.kpi(name, 'last_7_days'))}"
        return label, show(data.kpi(name)), week if "last_7_days" in data.summary else None

    week_tickets = data.kpi("ticket_count", "last_7_days")
    return [
        (
            "Tickets",
            f"{data.tickets:,}",
            None if week_tickets is None else f"{week_tickets:,.0f} in the last 7 days",
        ),
        tile("Median first response", "median_first_response_minutes", _minutes),
        tile("Median resolution", "median_resolution_minutes", _minutes),
        tile("Help-desk SLA breach rate", "sla_breach_rate", _percent),
        tile("Reopen rate", "reopen_rate", _percent),
        tile("CSAT (rated 4 or 5)", "csat", _percent),
        tile("Escalation rate", "escalation_rate", _percent),
        ("Judge pass rate (all criteria)", _percent(data.judge_pass_rate), None),
    ]


def backlog_chart(data: DashboardData) -> go.Figure | None:
    if not data.backlog:
        return None
    days = sorted(data.backlog)
    figure = go.Figure()
    for priority, colour in PRIORITY_COLOURS.items():
        counts = [data.backlog[d][f"open_{priority.lower()}_count"] for d in days]
        figure.add_bar(name=f"open {priority}", x=days, y=counts, marker={"color": colour})
    for name, colour, dash in (("created", "#222", "solid"), ("solved", "#2ca02c", "dot")):
        figure.add_scatter(
            name=name,
            x=days,
            y=[data.backlog[d][f"{name}_count"] for d in days],
            mode="lines+markers",
            line={"color": colour, "dash": dash},
        )
    return figure.update_layout(
        barmode="stack", title="Open backlog at end of day by priority; created and solved per day"
    )


def breakdown_tables(data: DashboardData) -> list[tuple[str, list[str], list[list[str]]]]:
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
        tables.append((title, header, rows))
    return tables


def volume_chart(data: DashboardData) -> go.Figure:
    days = sorted({day for day, _ in data.volume})
    figure = go.Figure()
    for priority in sorted({p for _, p in data.volume}):
        figure.add_bar(
            name=priority,
            x=days,
            y=[data.volume.get((d, priority), (0, 0))[0] for d in days],
            marker={"color": PRIORITY_COLOURS.get(priority)},
        )
    return figure.update_layout(barmode="stack", title="Tickets per day, by priority")


def sla_chart(data: DashboardData) -> go.Figure:
    days = sorted({day for day, _ in data.volume})
    totals = {d: sum(v[0] for (day, _), v in data.volume.items() if day == d) for d in days}
    breached = {d: sum(v[1] for (day, _), v in data.volume.items() if day == d) for d in days}
    figure = go.Figure()
    figure.add_bar(name="processing SLA breached", x=days, y=[breached[d] for d in days])
    figure.add_scatter(
        name="breach rate",
        x=days,
        y=[breached[d] / totals[d] if totals[d] else None for d in days],
        yaxis="y2",
        mode="lines+markers",
    )
    return figure.update_layout(
        title="Processing SLA breaches per day (ticket processed after its due time)",
        yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%", "rangemode": "tozero"},
    )


def sentiment_chart(data: DashboardData) -> go.Figure:
    days = sorted({day for day, _ in data.sentiment})
    totals = {d: sum(n for (day, _), n in data.sentiment.items() if day == d) for d in days}
    figure = go.Figure()
    for sentiment in sorted({s for _, s in data.sentiment}):
        figure.add_scatter(
            name=sentiment,
            x=days,
            y=[data.sentiment.get((d, sentiment), 0) / totals[d] for d in days],
            stackgroup="share",
            line={"color": SENTIMENT_COLOURS.get(sentiment)},
        )
    return figure.update_layout(title="Sentiment share per day", yaxis={"tickformat": ".0%"})


def pass_rate_chart(data: DashboardData) -> go.Figure:
    products = sorted(data.pass_rates)
    figure = go.Figure()
    for name in (*CRITERION_NAMES, "all_criteria"):
        rates = []
        for product in products:
            passed, judged = data.pass_rates[product][name]
            rates.append(passed / judged if judged else None)
        figure.add_bar(name=name.replace("_", " "), x=products, y=rates)
    return figure.update_layout(
        barmode="group", title="Judge pass rate by product", yaxis={"tickformat": ".0%"}
    )


def render_dashboard(data: DashboardData, generated_at: datetime) -> str:
    """The whole page as one HTML string (plotly.js inlined, so it opens offline)."""
    charts = [volume_chart(data), sla_chart(data), sentiment_chart(data), pass_rate_chart(data)]
    backlog = backlog_chart(data)
    template = Environment(autoescape=select_autoescape(default=True)).from_string(_PAGE)
    return template.render(
        plotly_js=get_plotlyjs(),
        kpis=kpi_tiles(data),
        backlog=_html(backlog) if backlog else None,
        tables=breakdown_tables(data),
        charts=[_html(chart) for chart in charts],
        generated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        judge=data.judge,
    )
