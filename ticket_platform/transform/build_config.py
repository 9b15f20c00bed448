"""Launch options of the dbt build: a window of days to re-build, or a full refresh; and which
tests a run runs (every test, or on the automation's hot path only the blocking ones)."""

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

import dagster as dg
from pydantic import Field, model_validator


class DbtBuildConfig(dg.Config):
    """Run config of ``ticket_dbt_models``. Empty (the default): incremental models read the
    rows loaded since their last build. In the launchpad, set a window to re-build the tickets
    of some partition days (e.g. after a re-load), or ``full_refresh`` to rebuild everything."""

    window_start: str | None = Field(
        default=None,
        description="First partition day to re-build (ISO date); needs window_end.",
    )
    window_end: str | None = Field(
        default=None,
        description="Day after the last partition day to re-build (ISO date, exclusive).",
    )
    full_refresh: bool = Field(
        default=False,
        description="Rebuild every incremental model from scratch (dbt --full-refresh).",
    )

    @model_validator(mode="after")
    def _window_is_whole(self) -> "DbtBuildConfig":
        if (self.window_start is None) != (self.window_end is None):
            raise ValueError("set window_start and window_end together (end exclusive)")
        if self.window_start is not None:
            start, end = _iso_day(self.window_start), _iso_day(self.window_end)
            if start >= end:
                raise ValueError(f"window_start {start} must be before window_end {end}")
            if self.full_refresh:
                raise ValueError("a full refresh rebuilds every day: drop the window")
        return self


def _iso_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


# Run tag choosing the tests of a dbt run. The hot path sets it to "blocking": the dbt automation
# sensor's runs and the landing sensor's load_and_judge job (automation/hot_path.py). Every other
# run (the nightly build, `ticket-platform run`, dbt_build from the UI) runs every test.
DBT_TESTS_TAG = "ticket/dbt_tests"
DBT_TESTS_BLOCKING = "blocking"
DBT_TESTS_ALL = "all"

_BUILT = ("model", "seed", "snapshot")


def non_blocking_tests(manifest: Mapping[str, Any]) -> list[str]:
    """Names of the dbt tests whose failure cannot stop anything in a ``dbt build``: every node
    they test feeds no model, seed or snapshot (a leaf mart, an exposure's input). Their tables are
    already written when they run, so they only report; the nightly build runs them.

    A test of a node that feeds a model is blocking: when it fails, dbt skips everything
    downstream, and that is what keeps bad rows from spreading. Unit tests are not data tests
    (they test SQL on fixtures, which changes only with the code) and are left to the nightly
    build and CI by ``dbt_build_args``.
    """
    children = manifest.get("child_map", {})

    def feeds_a_model(unique_id: str) -> bool:
        return any(child.split(".", 1)[0] in _BUILT for child in children.get(unique_id, []))

    names = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        tested = [
            parent
            for parent in node["depends_on"]["nodes"]
            if parent.split(".", 1)[0] in (*_BUILT, "source")
        ]
        if tested and not any(feeds_a_model(parent) for parent in tested):
            names.append(node["name"])
    return sorted(names)


def dbt_build_args(
    config: DbtBuildConfig,
    tests: str = DBT_TESTS_ALL,
    manifest: Mapping[str, Any] | None = None,
) -> list[str]:
    """The ``dbt build`` arguments for ``config``: the window reaches the models as dbt vars
    (``ticket_window_start`` / ``ticket_window_end``, see macros/incremental_tickets.sql).

    ``tests="blocking"`` (the automation's hot path, needs ``manifest``) leaves out the unit tests
    and the tests of ``non_blocking_tests``; every model still runs its blocking tests first."""
    args = ["build"]
    if tests == DBT_TESTS_BLOCKING:
        if manifest is None:
            raise ValueError("blocking tests are found in the manifest: pass it")
        args += ["--exclude-resource-type", "unit_test"]
        skipped = non_blocking_tests(manifest)
        if skipped:
            args += ["--exclude", " ".join(skipped)]
    elif tests != DBT_TESTS_ALL:
        raise ValueError(f"{DBT_TESTS_TAG} must be {DBT_TESTS_ALL} or {DBT_TESTS_BLOCKING}")
    if config.full_refresh:
        args.append("--full-refresh")
    if config.window_start is not None:
        window = {
            "ticket_window_start": _iso_day(config.window_start).isoformat(),
            "ticket_window_end": _iso_day(config.window_end).isoformat(),
        }
        args += ["--vars", json.dumps(window)]
    return args
