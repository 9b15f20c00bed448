"""95 % confidence intervals of the calibration statistics (plain maths, no I/O).

* Proportions (agreement, true-positive rate, true-negative rate): the Wilson score interval. It
  stays inside [0, 1] and keeps a sensible width at 0 or n successes, where the normal
  ("Wald") interval collapses to a single point.
* Cohen's kappa: kappa ± 1.96 · SE with Cohen's (1960) large-sample standard error
  ``SE = sqrt(p_o (1 - p_o) / (n (1 - p_e)^2))`` (``p_o`` observed, ``p_e`` chance agreement),
  clipped to [-1, 1]. It is deterministic and cheap, but it is an approximation: it is only
  trustworthy for a few dozen items or more, and at perfect agreement (``p_o = 1``) its width is
  zero however few items there are. Read a kappa interval from a small set as a rough guide.
"""

from __future__ import annotations

import math

Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile
Interval = tuple[float, float]


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> Interval | None:
    """The Wilson score interval of ``successes / trials``; ``None`` when there are no trials."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError(f"successes={successes} is not within 0..{trials}")
    p = successes / trials
    z2_n = z * z / trials
    centre = (p + z2_n / 2) / (1 + z2_n)
    half_width = z / (1 + z2_n) * math.sqrt(p * (1 - p) / trials + z2_n / (4 * trials))
    return _rounded(max(0.0, centre - half_width), min(1.0, centre + half_width))


def _agreements(tp: int, tn: int, fp: int, fn: int) -> tuple[int, float, float] | None:
    """(n, observed agreement, chance agreement) of a 2x2 table; ``None`` when kappa is
    undefined (no items, or chance agreement of 1)."""
    n = tp + tn + fp + fn
    if n == 0:
        return None
    chance = ((tp + fp) * (tp + fn) + (tn + fn) * (tn + fp)) / (n * n)
    return None if chance >= 1.0 else (n, (tp + tn) / n, chance)


def cohen_kappa(tp: int, tn: int, fp: int, fn: int) -> float | None:
    """Cohen's kappa of a 2x2 table; ``None`` when chance agreement is 1 (undefined)."""
    parts = _agreements(tp, tn, fp, fn)
    if parts is None:
        return None
    _, observed, chance = parts
    return round((observed - chance) / (1 - chance), 4)


def kappa_interval(tp: int, tn: int, fp: int, fn: int, z: float = Z_95) -> Interval | None:
    """Cohen's kappa ± z · its large-sample standard error (Cohen 1960), clipped to [-1, 1].

    ``None`` where kappa is undefined (no items, or chance agreement of 1).
    """
    parts = _agreements(tp, tn, fp, fn)
    if parts is None:
        return None
    n, observed, chance = parts
    kappa = (observed - chance) / (1 - chance)
    standard_error = math.sqrt(observed * (1 - observed) / (n * (1 - chance) ** 2))
    return _rounded(max(-1.0, kappa - z * standard_error), min(1.0, kappa + z * standard_error))


def _rounded(low: float, high: float) -> Interval:
    return round(low, 4), round(high, 4)
