"""Entry point for ``dagster dev -w workspace.yaml``: everything under ``defs/``, with the
project-wide freshness and automation policies applied (``defs/automation/policies.py``)."""

from pathlib import Path

import dagster as dg

from ticket_platform.defs.automation.policies import apply_policies
from ticket_platform.settings import get_settings


@dg.definitions
def defs() -> dg.Definitions:
    loaded = dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
    # Runs here are one or two steps serialised by pools: a process per step (the multiprocess
    # default) would only add seconds of start-up to every run.
    executor = dg.Definitions(executor=dg.in_process_executor)
    return apply_policies(dg.Definitions.merge(loaded, executor), get_settings())
