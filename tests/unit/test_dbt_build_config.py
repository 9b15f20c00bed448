"""Launch options of the dbt build: the window reaches dbt as vars, bad windows are refused."""

import json

import pytest
from pydantic import ValidationError

from ticket_platform.transform.build_config import DbtBuildConfig, dbt_build_args


def test_no_config_is_a_plain_incremental_build():
    assert dbt_build_args(DbtBuildConfig()) == ["build"]


def test_a_window_is_passed_as_dbt_vars():
    args = dbt_build_args(DbtBuildConfig(window_start="2026-11-01", window_end="2026-11-03"))
    assert args[:2] == ["build", "--vars"]
    assert json.loads(args[2]) == {
        "ticket_window_start": "2026-11-01",
        "ticket_window_end": "2026-11-03",
    }


def test_full_refresh():
    assert dbt_build_args(DbtBuildConfig(full_refresh=True)) == ["build", "--full-refresh"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"window_start": "2026-11-01"}, "together"),
        ({"window_end": "2026-11-01"}, "together"),
        ({"window_start": "2026-11-03", "window_end": "2026-11-03"}, "must be before"),
        ({"window_start": "2026-13-01", "window_end": "2026-12-02"}, "not an ISO date"),
        (
            {"window_start": "2026-11-01", "window_end": "2026-11-02", "full_refresh": True},
            "drop the window",
        ),
    ],
)
def test_bad_windows_are_refused_with_a_reason(config, message):
    with pytest.raises(ValidationError, match=message):
        DbtBuildConfig(**config)
