"""The dbt run of the automation's hot path: the parse state stays warm across runs, the models'
materializations are not queued behind their test results, and no dbt adapter is opened in the
run's process."""

import importlib.metadata

import dagster as dg

from ticket_platform.transform.assets import (
    PARTIAL_PARSE,
    _without_adapter,
    keep_partial_parse_warm,
    with_row_counts,
)
from ticket_platform.transform.build_config import DBT_TESTS_BLOCKING, DBT_TESTS_TAG


def test_a_runs_parse_state_replaces_the_projects(tmp_path):
    run, project = tmp_path / "run", tmp_path / "target"
    run.mkdir()
    project.mkdir()
    (project / PARTIAL_PARSE).write_bytes(b"old")
    (run / PARTIAL_PARSE).write_bytes(b"new")
    assert keep_partial_parse_warm(run, project)
    assert (project / PARTIAL_PARSE).read_bytes() == b"new"
    assert sorted(p.name for p in project.iterdir()) == [PARTIAL_PARSE], "no temporary file left"


def test_nothing_to_copy_leaves_the_project_alone(tmp_path):
    (tmp_path / PARTIAL_PARSE).write_bytes(b"old")
    assert not keep_partial_parse_warm(tmp_path / "missing", tmp_path)
    assert not keep_partial_parse_warm(tmp_path, tmp_path / "missing")
    assert (tmp_path / PARTIAL_PARSE).read_bytes() == b"old"


def test_a_read_only_target_folder_only_loses_the_speed_up(tmp_path, monkeypatch):
    (tmp_path / PARTIAL_PARSE).write_bytes(b"new")

    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    assert not keep_partial_parse_warm(tmp_path, tmp_path)


def test_outputs_come_before_test_results_in_dbt_order():
    a, b = dg.AssetKey("a"), dg.AssetKey("b")
    events = [
        dg.Output(None, output_name="a"),
        dg.AssetCheckResult(asset_key=a, check_name="not_null_a", passed=True),
        dg.AssetObservation(asset_key=a),
        dg.Output(None, output_name="b"),
        dg.AssetCheckResult(asset_key=b, check_name="not_null_b", passed=True),
    ]
    ordered = list(with_row_counts(events, relations={}, warehouse=None))
    assert ordered == [events[0], events[3], events[1], events[2], events[4]]


def test_no_dbt_adapter_is_opened_in_the_run(tmp_path, monkeypatch):
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path))
    from ticket_platform.settings import get_settings
    from ticket_platform.transform.project import dbt_cli

    dbt = dbt_cli(get_settings())
    lean = _without_adapter(dbt)
    assert lean._initialize_dbt_core_adapter(["build"]) is None
    assert str(lean._cli_version) == importlib.metadata.version("dbt-core"), "no dbt --version"
    for field in ("project_dir", "profiles_dir", "target", "dbt_executable"):
        assert getattr(lean, field) == getattr(dbt, field), field


def test_only_the_hot_path_asks_for_blocking_tests_only(tmp_path, monkeypatch):
    """The dbt automation sensor tags its runs and the landing sensor's load_and_judge job
    carries the tag; schedules and the dbt_build job never do."""
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path))
    from ticket_platform.definitions import defs

    repo = defs().get_repository_def()
    tagged = {
        sensor.name
        for sensor in repo.sensor_defs
        if (getattr(sensor, "run_tags", None) or {}).get(DBT_TESTS_TAG) == DBT_TESTS_BLOCKING
    }
    assert tagged == {"dbt_automation_sensor"}
    for schedule in repo.schedule_defs:
        assert DBT_TESTS_TAG not in (schedule.tags or {}), schedule.name
    assert DBT_TESTS_TAG not in (repo.get_job("dbt_build").tags or {})
    assert repo.get_job("load_and_judge").tags[DBT_TESTS_TAG] == DBT_TESTS_BLOCKING


def test_the_dagster_dbt_internals_the_lean_resource_replaces_still_exist():
    """``_without_adapter`` overrides two private members of dagster-dbt's resource (pinned in
    pyproject.toml); an upgrade that renames them would silently bring back 4-6 s per run."""
    from dagster_dbt import DbtCliResource

    assert "_cli_version" in vars(DbtCliResource)
    assert "_initialize_dbt_core_adapter" in vars(DbtCliResource)
