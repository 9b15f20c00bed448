"""The calibration asset's check against human labels, judged on confidence intervals."""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg

from ticket_platform.evaluation.calibration import Agreement

HUMAN_AGREEMENT_CHECK = "agrees_with_human_labels"


def human_agreement_result(
    agreements: Sequence[Agreement], min_agreement: float
) -> dg.AssetCheckResult:
    """The human-label check: a criterion fails when even the upper bound of its agreement's
    95% interval is below ``min_agreement``; it is uncertain when the interval straddles it.
    Fails as well when no criterion could be compared. Kappa's interval is reported, not judged
    (the threshold is an agreement rate)."""
    compared = [a for a in agreements if a.agreement is not None and a.agreement_ci is not None]
    failing = [a.criterion for a in compared if a.agreement_ci[1] < min_agreement]
    uncertain = [
        a.criterion for a in compared if a.agreement_ci[0] < min_agreement <= a.agreement_ci[1]
    ]
    per_criterion = {
        a.criterion: {
            "compared": a.compared,
            "agreement": a.agreement,
            "agreement_ci": a.agreement_ci,
            "cohen_kappa": a.cohen_kappa,
            "cohen_kappa_ci": a.cohen_kappa_ci,
        }
        for a in agreements
    }
    if not compared:
        description = "No criterion could be compared with the human labels."
    elif failing:
        description = (
            f"Agreement is below {min_agreement:.0%} beyond doubt (upper bound of the 95% "
            f"interval) on: {', '.join(failing)}."
        )
    elif uncertain:
        description = (
            f"Too few labels to tell whether agreement reaches {min_agreement:.0%} on: "
            f"{', '.join(uncertain)} (its 95% interval spans the threshold)."
        )
    else:
        description = None
    return dg.AssetCheckResult(
        check_name=HUMAN_AGREEMENT_CHECK,
        passed=bool(compared) and not failing,
        severity=dg.AssetCheckSeverity.WARN,
        description=description,
        metadata={
            "lowest_agreement": min((a.agreement for a in compared), default=None),
            "lowest_agreement_upper_bound": min(
                (a.agreement_ci[1] for a in compared), default=None
            ),
            "min_agreement": min_agreement,
            "failing_criteria": dg.MetadataValue.json(failing),
            "uncertain_criteria": dg.MetadataValue.json(uncertain),
            "intervals": dg.MetadataValue.json(per_criterion),
        },
    )
