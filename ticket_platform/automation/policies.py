"""Project-wide policies applied to every asset by selection: freshness and automation.

``definitions.py`` applies them once to everything loaded from ``defs/``, so a new asset gets
the default freshness policy without anyone remembering to add it.
"""

import warnings
from datetime import timedelta

import dagster as dg

from ticket_platform.automation.conditions import daily, follows_partitions, follows_upstream
from ticket_platform.evaluation.assets import JUDGE_CALIBRATION, RESPONSE_EVALUATIONS
from ticket_platform.routing.assets import TICKET_ROUTES
from ticket_platform.settings import Settings

FCT_TICKETS = dg.AssetKey(["marts", "fct_tickets"])
# What analysts watch closest: staging (raw load and dbt staging views) and the ticket fact.
TIGHT_FRESHNESS = dg.AssetSelection.tag("layer", "staging") | dg.AssetSelection.assets(FCT_TICKETS)


def _window(hours: float) -> dg.FreshnessPolicy:
    fail = timedelta(hours=hours)
    return dg.FreshnessPolicy.time_window(fail_window=fail, warn_window=fail * 0.75)


def default_freshness(settings: Settings) -> dg.FreshnessPolicy:
    """Every asset: updated within ``TICKET_FRESHNESS_HOURS`` (warn at three quarters of it)."""
    return _window(settings.automation.freshness_hours)


def tight_freshness(settings: Settings) -> dg.FreshnessPolicy:
    """Staging and fct_tickets in prod, where tickets arrive all day: within an hour."""
    return _window(settings.automation.staging_freshness_hours)


def apply_policies(defs: dg.Definitions, settings: Settings) -> dg.Definitions:
    """Freshness on every asset (tightened in prod) and automation conditions by kind."""
    # map_resolved_asset_specs is "preview" in 1.13; tests/test_definitions.py pins what it does.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)
        return _apply(defs, settings)


def _apply(defs: dg.Definitions, settings: Settings) -> dg.Definitions:
    default = default_freshness(settings)
    defs = defs.map_resolved_asset_specs(
        func=lambda spec: spec.replace_attributes(freshness_policy=default)
    )
    if not settings.is_local:
        tight = tight_freshness(settings)
        defs = defs.map_resolved_asset_specs(
            func=lambda spec: spec.replace_attributes(freshness_policy=tight),
            selection=TIGHT_FRESHNESS,
        )
    automation = [
        (dg.AssetSelection.kind("dbt"), follows_upstream()),
        (
            dg.AssetSelection.assets(RESPONSE_EVALUATIONS, TICKET_ROUTES),
            follows_partitions(settings.automation.lookback_days),
        ),
        (dg.AssetSelection.assets(JUDGE_CALIBRATION), daily()),
    ]
    for selection, condition in automation:
        defs = defs.map_resolved_asset_specs(
            func=lambda spec, c=condition: spec.replace_attributes(automation_condition=c),
            selection=selection,
        )
    return defs
