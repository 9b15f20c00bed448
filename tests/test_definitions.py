"""The Dagster definitions load, validate, and wire ingest → dbt as one graph."""

import dagster as dg
import pytest
from prod_env import PROD_ENV

from ticket_platform.ingest.assets import INGEST_JOB, QUARANTINE_CHECK, RAW_TICKETS
from ticket_platform.resources import platform_resources
from ticket_platform.settings import get_settings
from ticket_platform.transform.assets import DBT_BUILD_JOB
from ticket_platform.warehouse.resource import DuckDBWarehouse, RedshiftWarehouse

STG = dg.AssetKey(["staging", "stg_tickets"])
FCT = dg.AssetKey(["marts", "fct_tickets"])
VOLUME = dg.AssetKey(["marts", "daily_ticket_volume"])


@pytest.fixture
def definitions(tmp_path, monkeypatch) -> dg.Definitions:
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path))
    from ticket_platform.definitions import defs

    return defs()


def test_definitions_validate(definitions):
    dg.Definitions.validate_loadable(definitions)


def test_ingest_feeds_dbt_lineage(definitions):
    graph = definitions.resolve_asset_graph()
    assert {RAW_TICKETS, STG, FCT, VOLUME} <= set(graph.get_all_asset_keys())
    assert RAW_TICKETS in graph.get(STG).parent_keys, "the dbt source must be the ingest asset"
    assert graph.get(RAW_TICKETS).partitions_def is not None
    assert graph.get(RAW_TICKETS).group_name == "ingest"
    assert graph.get(FCT).group_name == "marts"


def test_checks_cover_quarantine_and_dbt_tests(definitions):
    checks = set(definitions.resolve_asset_graph().asset_check_keys)
    assert dg.AssetCheckKey(RAW_TICKETS, QUARANTINE_CHECK) in checks
    assert any(key.asset_key == FCT and key.name.startswith("unique_") for key in checks)
    assert any(
        key.asset_key == RAW_TICKETS and key.name.startswith("source_unique") for key in checks
    )


def test_jobs_split_partitioned_ingest_from_dbt(definitions):
    ingest = definitions.resolve_job_def(INGEST_JOB)
    dbt = definitions.resolve_job_def(DBT_BUILD_JOB)
    assert ingest.partitions_def is not None
    assert dbt.partitions_def is None


def test_one_switch_chooses_the_warehouse(monkeypatch, tmp_path):
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path))
    local = platform_resources(get_settings())
    assert isinstance(local["warehouse"], DuckDBWarehouse)
    assert local["warehouse"].database == str(tmp_path / "warehouse.duckdb")
    assert local["dbt"].target == "local"

    for name, value in PROD_ENV.items():
        monkeypatch.setenv(name, value)
    prod = platform_resources(get_settings())
    assert isinstance(prod["warehouse"], RedshiftWarehouse)
    assert prod["warehouse"].redshift.host == "cluster.example"
    assert prod["landing"].uri == "s3://lake/landing"
    assert prod["dbt"].target == "prod"


EVALUATIONS = dg.AssetKey(["evaluation", "response_evaluations"])
STG_EVALUATIONS = dg.AssetKey(["staging", "stg_response_evaluations"])


def test_evaluations_sit_between_the_ingest_and_their_dbt_marts(definitions):
    graph = definitions.resolve_asset_graph()
    assert RAW_TICKETS in graph.get(EVALUATIONS).parent_keys
    assert EVALUATIONS in graph.get(STG_EVALUATIONS).parent_keys
    assert graph.get(EVALUATIONS).partitions_def == graph.get(RAW_TICKETS).partitions_def
    assert graph.get(EVALUATIONS).group_name == "evaluation"
    dbt_job_checks = {
        key.asset_key
        for key in definitions.resolve_job_def(
            DBT_BUILD_JOB
        ).asset_layer.asset_graph.asset_check_keys
    }
    assert EVALUATIONS in dbt_job_checks, "dbt's source tests on the evaluations run with dbt"


def test_one_switch_chooses_the_judge(monkeypatch, tmp_path):
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path))
    assert platform_resources(get_settings())["judge"].kind == "rules"
    monkeypatch.setenv("TICKET_JUDGE", "bedrock")
    monkeypatch.setenv("TICKET_JUDGE_MAX_COST_USD", "2.5")
    judge = platform_resources(get_settings())["judge"]
    assert (judge.kind, judge.max_cost_usd) == ("bedrock", 2.5)


def test_the_dbt_build_takes_a_window_or_a_full_refresh_in_its_run_config(definitions):
    job = definitions.resolve_job_def(DBT_BUILD_JOB)
    window = {"window_start": "2026-11-01", "window_end": "2026-11-03"}
    for config in (window, {"full_refresh": True}, {}):
        run_config = {"ops": {"ticket_dbt_models": {"config": config}}}
        assert dg.validate_run_config(job, run_config)
    with pytest.raises(dg.DagsterInvalidConfigError):
        dg.validate_run_config(job, {"ops": {"ticket_dbt_models": {"config": {"window": 1}}}})


def test_loading_the_definitions_prints_no_dagster_api_warnings(tmp_path, monkeypatch):
    """`ticket-platform run` and every run's process load them: the project's deliberate use of
    beta and superseded APIs must not repeat warnings into their output."""
    import warnings

    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path))
    from ticket_platform.definitions import defs

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        defs()
    dagster_warnings = (dg.BetaWarning, dg.PreviewWarning, dg.SupersessionWarning)
    assert [str(w.message) for w in caught if issubclass(w.category, dagster_warnings)] == []
