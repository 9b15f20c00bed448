"""Routing scores as Markdown tables and a confusion-matrix PNG, for Dagster metadata."""

from __future__ import annotations

import io

from ticket_platform.routing.model import Scores


def team_table(scores: Scores) -> str:
    lines = ["| team | precision | recall | F1 | tickets |", "|---|---:|---:|---:|---:|"]
    for team, s in sorted(scores.teams.items()):
        lines.append(f"| {team} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.support} |")
    return "\n".join(lines)


def confusion_table(scores: Scores) -> str:
    """Rows are the actual team, columns the predicted one; off-diagonal cells are misroutes."""
    short = [team.split(" ")[0][:8] for team in scores.labels]
    lines = ["| actual \\ predicted | " + " | ".join(short) + " |"]
    lines.append("|---|" + "---:|" * len(short))
    for team, row in zip(scores.labels, scores.confusion, strict=True):
        lines.append(f"| {team} | " + " | ".join(str(n) if n else "·" for n in row) + " |")
    return "\n".join(lines)


def confusion_png(scores: Scores, title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    size = max(5.0, 0.55 * len(scores.labels) + 2)
    figure, axes = plt.subplots(figsize=(size + 1.5, size))
    image = axes.imshow(scores.confusion, cmap="Blues")
    axes.set_xticks(range(len(scores.labels)), scores.labels, rotation=60, ha="right")
    axes.set_yticks(range(len(scores.labels)), scores.labels)
    axes.set_xlabel("predicted team")
    axes.set_ylabel("actual team")
    axes.set_title(title)
    peak = max((max(row) for row in scores.confusion), default=0)
    for i, row in enumerate(scores.confusion):
        for j, count in enumerate(row):
            if count:
                color = "white" if count > peak / 2 else "black"
                axes.text(j, i, str(count), ha="center", va="center", color=color, fontsize=8)
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return buffer.getvalue()
