"""Launch options of the dbt build: a window of days to re-build, or a full refresh."""

import json
from datetime import date

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


def dbt_build_args(config: DbtBuildConfig) -> list[str]:
    """The ``dbt build`` arguments for ``config``: the window reaches the models as dbt vars
    (``ticket_window_start`` / ``ticket_window_end``, see macros/incremental_tickets.sql)."""
    args = ["build"]
    if config.full_refresh:
        args.append("--full-refresh")
    if config.window_start is not None:
        window = {
            "ticket_window_start": _iso_day(config.window_start).isoformat(),
            "ticket_window_end": _iso_day(config.window_end).isoformat(),
        }
        args += ["--vars", json.dumps(window)]
    return args
