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
    """Per-criterion agreement, kappa, TPR and TNR as a markdown table."""

    def fmt(value: float | None, percent: bool = True) -> str:
        if value is None:
            return "n/a"
        return f"{value:.0%}" if percent else f"{value:.2f}"

    lines = [
        "| criterion | compared | agreement | Cohen's kappa | TPR | TNR | judge pass | reference pass |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for a in agreements:
        lines.append(
            f"| {a.criterion} | {a.compared} | {fmt(a.agreement)} | {fmt(a.cohen_kappa, False)} "
            f"| {fmt(a.true_positive_rate)} | {fmt(a.true_negative_rate)} "
            f"| {fmt(a.judge_pass_rate)} | {fmt(a.reference_pass_rate)} |"
        )
    return "\n".join(lines)
