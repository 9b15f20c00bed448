"""Render the dashboard as one self-contained HTML file (plotly charts, no network needed)."""

from __future__ import annotations

from datetime import datetime

import plotly.graph_objects as go
from jinja2 import Environment, select_autoescape
from plotly.offline import get_plotlyjs

from ticket_platform.dashboard.data import CRITERION_NAMES, DashboardData

SENTIMENT_COLOURS = {
    "NEGATIVE": "#d62728",
    "MIXED": "#ff7f0e",
    "NEUTRAL": "#7f7f7f",
    "POSITIVE": "#2ca02c",
}

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Support dashboard</title>
<script>{{ plotly_js | safe }}</script>
<style>
 body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
 .kpis { display: flex; gap: 1rem; flex-wrap: wrap; }
 .kpi { border: 1px solid #ddd; border-radius: 8px; padding: .8rem 1.2rem; min-width: 11rem; }
 .kpi b { display: block; font-size: 1.6rem; }
 footer { color: #777; margin-top: 2rem; font-size: .85rem; }
</style></head><body>
<h1>Support dashboard</h1>
<div class="kpis">
{% for label, value in kpis %}<div class="kpi">{{ label }}<b>{{ value }}</b></div>{% endfor %}
</div>
{% for chart in charts %}{{ chart | safe }}{% endfor %}
<footer>Generated {{ generated_at }} from the marts (daily_ticket_volume, fct_tickets,
evaluation_daily_pass_rates){% if judge %}; judge {{ judge }}{% endif %}.</footer>
</body></html>
"""


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds / 60:.1f} min" if seconds < 3600 else f"{seconds / 3600:.1f} h"


def _html(figure: go.Figure) -> str:
    figure.update_layout(height=380, margin={"t": 60, "b": 40}, template="plotly_white")
    return figure.to_html(full_html=False, include_plotlyjs=False)


def volume_chart(data: DashboardData) -> go.Figure:
    days = sorted({day for day, _ in data.volume})
    figure = go.Figure()
    for priority in sorted({p for _, p in data.volume}):
        figure.add_bar(
            name=priority, x=days, y=[data.volume.get((d, priority), (0, 0))[0] for d in days]
        )
    return figure.update_layout(barmode="stack", title="Tickets per day, by priority")


def sla_chart(data: DashboardData) -> go.Figure:
    days = sorted({day for day, _ in data.volume})
    totals = {d: sum(v[0] for (day, _), v in data.volume.items() if day == d) for d in days}
    breached = {d: sum(v[1] for (day, _), v in data.volume.items() if day == d) for d in days}
    figure = go.Figure()
    figure.add_bar(name="SLA breached", x=days, y=[breached[d] for d in days])
    figure.add_scatter(
        name="breach rate",
        x=days,
        y=[breached[d] / totals[d] if totals[d] else None for d in days],
        yaxis="y2",
        mode="lines+markers",
    )
    return figure.update_layout(
        title="SLA breaches per day",
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
    kpis = [
        ("Tickets", f"{data.tickets:,}"),
        ("SLA breach rate", _percent(data.sla_breach_rate)),
        ("Median response time", _duration(data.median_response_seconds)),
        ("Judge pass rate (all criteria)", _percent(data.judge_pass_rate)),
    ]
    charts = [volume_chart(data), sla_chart(data), sentiment_chart(data), pass_rate_chart(data)]
    template = Environment(autoescape=select_autoescape(default=True)).from_string(_PAGE)
    return template.render(
        plotly_js=get_plotlyjs(),
        kpis=kpis,
        charts=[_html(chart) for chart in charts],
        generated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        judge=data.judge,
    )
