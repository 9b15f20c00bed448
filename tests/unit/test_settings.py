import pytest
from prod_env import PROD_ENV

from ticket_platform.settings import SettingsError, get_settings


def test_local_defaults_live_under_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("TICKET_PLATFORM_ENV", raising=False)
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path))
    settings = get_settings()
    assert settings.env == "local" and settings.dbt_target == "local"
    assert settings.landing_uri == str(tmp_path / "landing")
    assert settings.warehouse_path == tmp_path / "warehouse.duckdb"
    assert settings.read_workers == 1


def test_settings_are_read_at_call_time(monkeypatch, tmp_path):
    monkeypatch.setenv("TICKET_LANDING_URI", "s3://bucket/prefix")
    assert get_settings().landing_uri == "s3://bucket/prefix"
    assert get_settings().read_workers == 32
    monkeypatch.setenv("TICKET_LANDING_URI", str(tmp_path))
    assert get_settings().landing_uri == str(tmp_path)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TICKET_PLATFORM_ENV", "staging", "must be 'local' or 'prod'"),
        ("TICKET_MAX_QUARANTINE_RATE", "lots", "is not a number"),
        ("TICKET_MAX_QUARANTINE_RATE", "1.5", "between 0.0 and 1.0"),
        ("TICKET_JUDGE", "gpt", "must be one of rules, bedrock, langchain"),
        ("TICKET_JUDGE", "langchain", "needs TICKET_JUDGE_CHAT_MODEL=module:ClassName"),
        ("TICKET_JUDGE_OUTPUT", "xml", "must be 'tool' or 'json'"),
        ("TICKET_JUDGE_CONCURRENCY", "0", "between 1 and 256"),
        ("TICKET_JUDGE_MAX_COST_USD", "-1", "between 0.0"),
    ],
)
def test_bad_settings_say_what_to_fix(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        get_settings()


def test_prod_names_each_missing_variable(monkeypatch):
    monkeypatch.setenv("TICKET_PLATFORM_ENV", "prod")
    monkeypatch.delenv("TICKET_LANDING_URI", raising=False)
    with pytest.raises(SettingsError, match="TICKET_LANDING_URI"):
        get_settings()
    monkeypatch.setenv("TICKET_LANDING_URI", "s3://lake/landing")
    with pytest.raises(SettingsError, match="TICKET_REDSHIFT_HOST"):
        get_settings()


def test_the_judge_is_offline_locally_and_bedrock_in_prod(monkeypatch):
    monkeypatch.delenv("TICKET_JUDGE", raising=False)
    monkeypatch.delenv("TICKET_PLATFORM_ENV", raising=False)
    local = get_settings().judge
    assert (local.kind, local.concurrency, local.max_calls, local.max_cost_usd) == (
        "rules",
        16,
        None,
        None,
    )
    for name, value in {**PROD_ENV, "TICKET_JUDGE_MAX_CALLS": "500"}.items():
        monkeypatch.setenv(name, value)
    prod = get_settings().judge
    assert (prod.kind, prod.max_calls, prod.temperature) == ("bedrock", 500, 0.0)
