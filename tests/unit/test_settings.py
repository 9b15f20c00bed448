import pytest

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
