"""Markdown for the Dagster UI and the CLI: pass-rate bars and calibration tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ticket_platform.evaluation.calibration import Agreement

_BAR_WIDTH = 20


def bar(rate: float | None, width: int = _BAR_WIDTH) -> str:
    if rate is None:
        return "·" * width
    filled = round(rate * width)
    return "█" * filled + "░" * (width - filled)


def pass_rate_chart(rates: Mapping[str, float | None], evaluated: int) -> str:
    """A small text bar chart of pass rates per criterion (renders in any markdown viewer)."""
    lines = [f"Pass rates over {evaluated:,} evaluated response(s)", "", "```"]
    width = max((len(name) for name in rates), default=0)
    for name, rate in rates.items():
        shown = "  n/a" if rate is None else f"{rate:6.1%}"
        lines.append(f"{name.ljust(width)}  {bar(rate)} {shown}")
    lines.append("```")
    return "\n".join(lines)


def agreement_table(agreements: Sequence[Agreement]) -> str:
    """Per-criterion agreement, kappa, TPR and TNR, each with its 95 % confidence interval, as a
    markdown table."""
    lines = [
        "| criterion | compared | agreement | Cohen's kappa | TPR | TNR | judge pass "
        "| reference pass |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for a in agreements:
        lines.append(
            f"| {a.criterion} | {a.compared} | {with_interval(a.agreement, a.agreement_ci)} "
            f"| {with_interval(a.cohen_kappa, a.cohen_kappa_ci, percent=False)} "
            f"| {with_interval(a.true_positive_rate, a.true_positive_rate_ci)} "
            f"| {with_interval(a.true_negative_rate, a.true_negative_rate_ci)} "
            f"| {_number(a.judge_pass_rate)} | {_number(a.reference_pass_rate)} |"
        )
    lines += [
        "",
        "In square brackets: the 95 % confidence interval (Wilson; kappa: large-sample SE).",
    ]
    return "\n".join(lines)


def with_interval(
    value: float | None, interval: tuple[float, float] | None, percent: bool = True
) -> str:
    """``70% [56%, 81%]``, or ``0.40 [0.15, 0.65]``; ``n/a`` when the value is undefined."""
    if value is None:
        return "n/a"
    if interval is None:
        return _number(value, percent)
    low, high = (_number(bound, percent) for bound in interval)
    return f"{_number(value, percent)} [{low}, {high}]"


def _number(value: float | None, percent: bool = True) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0%}" if percent else f"{value:.2f}"
