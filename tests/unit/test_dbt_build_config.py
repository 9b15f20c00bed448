"""Launch options of the dbt build: the window reaches dbt as vars, bad windows are refused, and
the automation's hot path runs only the blocking tests."""

import json

import pytest
from pydantic import ValidationError

from ticket_platform.transform.build_config import (
    DBT_TESTS_ALL,
    DBT_TESTS_BLOCKING,
    DBT_TESTS_TAG,
    DbtBuildConfig,
    dbt_build_args,
    non_blocking_tests,
)


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


# A project in miniature: source -> stg -> fct -> leaf mart, plus an exposure on the leaf.
_MANIFEST = {
    "nodes": {
        "model.p.stg": {"resource_type": "model", "name": "stg", "depends_on": {"nodes": []}},
        "model.p.fct": {"resource_type": "model", "name": "fct", "depends_on": {"nodes": []}},
        "model.p.leaf": {"resource_type": "model", "name": "leaf", "depends_on": {"nodes": []}},
        "test.p.source_not_null_raw_id": {
            "resource_type": "test",
            "name": "source_not_null_raw_id",
            "depends_on": {"nodes": ["source.p.raw.tickets"]},
        },
        "test.p.unique_stg_id": {
            "resource_type": "test",
            "name": "unique_stg_id",
            "depends_on": {"nodes": ["macro.p.test_unique", "model.p.stg"]},
        },
        "test.p.not_null_fct_id": {
            "resource_type": "test",
            "name": "not_null_fct_id",
            "depends_on": {"nodes": ["model.p.fct"]},
        },
        "test.p.not_null_leaf_rate": {
            "resource_type": "test",
            "name": "not_null_leaf_rate",
            "depends_on": {"nodes": ["model.p.leaf"]},
        },
        "test.p.leaf_matches_fct": {  # a singular test reading a feeding model and the leaf
            "resource_type": "test",
            "name": "leaf_matches_fct",
            "depends_on": {"nodes": ["model.p.fct", "model.p.leaf"]},
        },
    },
    "child_map": {
        "source.p.raw.tickets": ["model.p.stg", "test.p.source_not_null_raw_id"],
        "model.p.stg": ["model.p.fct", "test.p.unique_stg_id"],
        "model.p.fct": ["model.p.leaf", "test.p.not_null_fct_id", "test.p.leaf_matches_fct"],
        "model.p.leaf": ["exposure.p.dashboard", "test.p.not_null_leaf_rate"],
    },
}


def test_only_tests_of_nodes_feeding_no_model_are_non_blocking():
    assert non_blocking_tests(_MANIFEST) == ["not_null_leaf_rate"]


def test_the_hot_path_leaves_out_unit_tests_and_non_blocking_tests():
    args = dbt_build_args(DbtBuildConfig(), tests=DBT_TESTS_BLOCKING, manifest=_MANIFEST)
    assert args == [
        "build",
        "--exclude-resource-type",
        "unit_test",
        "--exclude",
        "not_null_leaf_rate",
    ]


def test_every_test_runs_unless_asked_and_blocking_needs_the_manifest():
    assert dbt_build_args(DbtBuildConfig(), tests=DBT_TESTS_ALL, manifest=_MANIFEST) == ["build"]
    with pytest.raises(ValueError, match="manifest"):
        dbt_build_args(DbtBuildConfig(), tests=DBT_TESTS_BLOCKING)
    with pytest.raises(ValueError, match=DBT_TESTS_TAG):
        dbt_build_args(DbtBuildConfig(), tests="some")


def test_the_project_keeps_most_tests_blocking():
    """On the real manifest: the tests left to the nightly build test leaf marts only."""
    from ticket_platform.settings import get_settings
    from ticket_platform.transform.project import prepare_manifest

    manifest = json.loads(prepare_manifest(get_settings()).read_text())
    skipped = set(non_blocking_tests(manifest))
    tests = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    assert skipped and len(skipped) < len(tests) / 2
    children = manifest["child_map"]
    for name in skipped:
        for parent in tests[name]["depends_on"]["nodes"]:
            assert not any(c.startswith("model.") for c in children.get(parent, [])), name
    assert "unique_fct_tickets_ticket_id" not in skipped, "fct_tickets feeds other marts"
