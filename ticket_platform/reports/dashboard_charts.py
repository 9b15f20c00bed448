"""The dashboard's charts (plotly figures) and the rule that no chart is drawn without data: a
chart whose every value is missing or zero is replaced by a note saying why it is empty."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from numbers import Number

import plotly.graph_objects as go

from ticket_platform.reports.dashboard_data import (
    BACKLOG_STATUSES,
    CRITERION_NAMES,
    HELPDESK_STATUSES,
    DashboardData,
)

SENTIMENT_COLOURS = {
    "NEGATIVE": "#d62728",
    "MIXED": "#ff7f0e",
    "NEUTRAL": "#7f7f7f",
    "POSITIVE": "#2ca02c",
}
PRIORITY_COLOURS = {"HIGH": "#d62728", "MEDIUM": "#ff7f0e", "NORMAL": "#1f77b4"}
HELPDESK_STATUS_COLOURS = {
    "new": "#9467bd",
    "open": "#d62728",
    "pending": "#ff7f0e",
    "on_hold": "#7f7f7f",
    "solved": "#2ca02c",
}
AGE_COLOURS = ("#c6dbef", "#6baed6", "#2171b5", "#08519c", "#08306b")
SLA_STATUS_COLOURS = {"achieved": "#2ca02c", "active": "#7f7f7f", "breached": "#d62728"}
# sla_events metrics, in the order of a ticket's life, with what each clock measures
SLA_METRIC_LABELS = {
    "first_response": "First response (AI draft)",
    "agent_first_reply": "First agent reply",
    "next_reply": "Next reply",
    "requester_wait": "Requester wait",
    "resolution": "Resolution",
}
NO_DATA = "No data for this period."


@dataclass(frozen=True)
class Chart:
    """A chart to draw, or (``figure`` None) its title and the note shown instead."""

    title: str
    figure: go.Figure | None
    note: str = NO_DATA


def has_data(figure: go.Figure) -> bool:
    """Whether any trace has a value other than zero or missing (a flat zero line is no data)."""
    for trace in figure.data:
        values = trace.x if getattr(trace, "orientation", None) == "h" else trace.y
        if any(_nonzero(value) for value in values if values is not None):
            return True
    return False


def _nonzero(value: object) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool) and value != 0


def chart_or_note(title: str, figure: go.Figure, note: str = NO_DATA) -> Chart:
    """The figure titled ``title`` when it has data, else ``note`` under that title."""
    if not has_data(figure):
        return Chart(title, None, note)
    return Chart(title, figure.update_layout(title=title))


DAY_MS = 86_400_000


def daily_axis(figure: go.Figure, days: list) -> go.Figure:
    """Label a per-day x axis with dates only (plotly otherwise adds 12:00 ticks when there are
    few days); one tick a day up to a month of days."""
    figure.update_xaxes(tickformat="%b %d, %Y" if len(days) <= 1 else "%b %d")
    if len(days) <= 31:
        figure.update_xaxes(dtick=DAY_MS)
    return figure


def sla_metric_label(metric: str) -> str:
    return SLA_METRIC_LABELS.get(metric, metric.replace("_", " ").capitalize())


def ordered_sla_metrics(metrics: Iterable[str]) -> list[str]:
    """Known metrics in a ticket's life order, then any other, alphabetically."""
    known = [m for m in SLA_METRIC_LABELS if m in metrics]
    return known + sorted(set(metrics) - set(SLA_METRIC_LABELS))


def backlog_chart(data: DashboardData) -> Chart:
    title = "Open backlog at end of day by priority; created and solved per day"
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
    note = "No data yet (marts.daily_backlog is missing or empty)."
    figure.update_layout(barmode="stack")
    return chart_or_note(title, daily_axis(figure, days), note)


def sla_outcome_chart(data: DashboardData) -> Chart:
    """Clocks of each help-desk SLA metric by outcome (achieved, still running, breached)."""
    title = "Help-desk SLA clocks by metric and outcome"
    metrics = ordered_sla_metrics(data.sla_outcomes)
    labels = [sla_metric_label(m) for m in metrics]
    figure = go.Figure()
    for status, colour in SLA_STATUS_COLOURS.items():
        figure.add_bar(
            name="running" if status == "active" else status,
            y=labels,
            x=[data.sla_outcomes[m][status] for m in metrics],
            orientation="h",
            marker={"color": colour},
        )
    figure.update_layout(barmode="stack", yaxis={"autorange": "reversed"})
    return chart_or_note(title, figure, "No data yet (marts.sla_events is missing or empty).")


def backlog_status_chart(data: DashboardData) -> Chart:
    """The open backlog at the end of each day by help-desk status (daily_backlog_by_age)."""
    days = sorted(data.backlog_statuses)
    figure = go.Figure()
    for status in BACKLOG_STATUSES:
        figure.add_bar(
            name=status.replace("_", " "),
            x=days,
            y=[data.backlog_statuses[d][status] for d in days],
            marker={"color": HELPDESK_STATUS_COLOURS[status]},
        )
    figure.update_layout(barmode="stack")
    title = "Open backlog at end of day by help-desk status (pending: waiting on the requester)"
    note = "No open ticket at the end of any day (marts.daily_backlog_by_age is empty or missing)."
    return chart_or_note(title, daily_axis(figure, days), note)


def backlog_age_chart(data: DashboardData) -> Chart:
    """The latest day's open backlog by team, stacked by age since submission."""
    teams = sorted(
        {team for team, _ in data.backlog_ages},
        key=lambda team: -sum(n for (t, _), n in data.backlog_ages.items() if t == team),
    )
    figure = go.Figure()
    for index, bucket in enumerate(data.age_buckets):
        figure.add_bar(
            name=bucket,
            y=teams,
            x=[data.backlog_ages.get((team, bucket), 0) for team in teams],
            orientation="h",
            marker={"color": AGE_COLOURS[min(index, len(AGE_COLOURS) - 1)]},
        )
    figure.update_layout(barmode="stack", yaxis={"autorange": "reversed"})
    note = "No open ticket today (marts.daily_backlog_by_age is empty or missing)."
    return chart_or_note("Open backlog today by team and age", figure, note)


def status_counts_chart(data: DashboardData) -> Chart:
    """Every ticket now by help-desk status, stacked by priority (ticket_status_counts)."""
    statuses = [s for s in HELPDESK_STATUSES if any(k[0] == s for k in data.status_counts)]
    statuses += sorted({s for s, _ in data.status_counts} - set(HELPDESK_STATUSES))
    figure = go.Figure()
    for priority in sorted({p for _, p in data.status_counts}):
        figure.add_bar(
            name=priority,
            x=[s.replace("_", " ") for s in statuses],
            y=[data.status_counts.get((s, priority), 0) for s in statuses],
            marker={"color": PRIORITY_COLOURS.get(priority)},
        )
    figure.update_layout(barmode="stack")
    note = "No data yet (marts.ticket_status_counts is missing or empty)."
    return chart_or_note("Tickets now by help-desk status and priority", figure, note)


def volume_chart(data: DashboardData) -> Chart:
    days = sorted({day for day, _ in data.volume})
    figure = go.Figure()
    for priority in sorted({p for _, p in data.volume}):
        figure.add_bar(
            name=priority,
            x=days,
            y=[data.volume.get((d, priority), (0, 0))[0] for d in days],
            marker={"color": PRIORITY_COLOURS.get(priority)},
        )
    figure.update_layout(barmode="stack")
    return chart_or_note(
        "Tickets per day, by priority", daily_axis(figure, days), "No tickets in this period."
    )


def sla_chart(data: DashboardData) -> Chart:
    """Processing SLA breaches per day: a note, not a flat zero line, when none breached."""
    title = "Processing SLA breaches per day (ticket processed after its due time)"
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
    figure.update_layout(
        yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%", "rangemode": "tozero"}
    )
    note = (
        f"No processing SLA breach in this period: all {data.tickets:,} tickets were processed "
        "before their due time."
        if data.tickets
        else "No tickets in this period."
    )
    return chart_or_note(title, daily_axis(figure, days), note)


def sentiment_chart(data: DashboardData) -> Chart:
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
    figure.update_layout(yaxis={"tickformat": ".0%"})
    return chart_or_note(
        "Sentiment share per day", daily_axis(figure, days), "No tickets in this period."
    )


def pass_rate_chart(data: DashboardData) -> Chart:
    products = sorted(data.pass_rates)
    figure = go.Figure()
    for name in (*CRITERION_NAMES, "all_criteria"):
        rates = []
        for product in products:
            passed, judged = data.pass_rates[product][name]
            rates.append(passed / judged if judged else None)
        figure.add_bar(name=name.replace("_", " "), x=products, y=rates)
    figure.update_layout(barmode="group", yaxis={"tickformat": ".0%"})
    note = "No judged responses in this period."
    if any(judged for rates in data.pass_rates.values() for _, judged in rates.values()):
        note = "Every judged response failed every criterion (pass rate 0 %)."
    return chart_or_note("Judge pass rate by product", figure, note)
