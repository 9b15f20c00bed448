"""Whether a candidate model may replace the current one: never when it scores worse.

Both models are scored on the same tickets, and only on tickets neither has learned from:

* **fresh holdout**: the candidate's held-out tickets submitted after the newest ticket the
  current model was trained on (scored with the candidate pipeline fit without the holdout);
  used when at least ``MIN_COMPARED_ROWS`` such tickets exist.
* **reference**: the seed system's real tickets, which are never trained on.

The candidate is worse when its accuracy or macro-F1 on either set is lower than the current
model's by more than the tolerance (``TICKET_ROUTING_PROMOTION_TOLERANCE``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ticket_platform.routing.model import Scores

MIN_COMPARED_ROWS = 30


@dataclass(frozen=True)
class Comparison:
    name: str  # fresh_holdout | reference
    candidate: Scores
    current: Scores

    def shortfalls(self, tolerance: float) -> list[str]:
        """The metrics on which the candidate is worse by more than ``tolerance``."""
        out = []
        for metric in ("accuracy", "macro_f1"):
            new, old = getattr(self.candidate, metric), getattr(self.current, metric)
            if new < old - tolerance:
                out.append(f"{self.name} {metric} {new:.3f} < current {old:.3f}")
        return out


@dataclass(frozen=True)
class Decision:
    promote: bool
    reason: str
    comparisons: tuple[Comparison, ...] = ()


def decide(
    current_version: str | None, comparisons: Sequence[Comparison], tolerance: float
) -> Decision:
    if current_version is None:
        return Decision(True, "no model has been promoted yet")
    if not comparisons:
        return Decision(False, "no tickets to compare the models on; the current model stays")
    shortfalls = [s for c in comparisons for s in c.shortfalls(tolerance)]
    compared = ", ".join(f"{c.name} ({c.candidate.rows} tickets)" for c in comparisons)
    if shortfalls:
        return Decision(
            False,
            f"worse than current model {current_version} by more than {tolerance:.3f}: "
            + "; ".join(shortfalls),
            tuple(comparisons),
        )
    return Decision(
        True,
        f"not worse than current model {current_version} on {compared} (tolerance {tolerance:.3f})",
        tuple(comparisons),
    )
