import pytest
from prod_env import PROD_ENV

from ticket_platform.alerts.resource import AlertResource
from ticket_platform.evaluation.resource import JudgeResource
from ticket_platform.resources import platform_resources
from ticket_platform.settings import SettingsError, get_settings


def configure() -> dict[str, object]:
    """What the code location and the CLI do: read the settings, then build the resources."""
    return platform_resources(get_settings())


def test_local_defaults_live_under_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("TICKET_PLATFORM_ENV", raising=False)
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path))
    settings = get_settings()
    assert settings.env == "local" and settings.dbt_target == "local"
    assert settings.landing_uri == str(tmp_path / "landing")
    assert settings.warehouse_path == tmp_path / "warehouse.duckdb"
    assert settings.read_workers == 1
    alerts = AlertResource.from_env(settings)
    assert alerts.log_path == str(tmp_path / "alerts" / "alerts.jsonl")
    assert alerts.audit_database == str(tmp_path / "alerts" / "alerts.duckdb")
    assert (alerts.ui_url, alerts.min_severity) == ("http://127.0.0.1:3000", "warning")
    assert (alerts.sns_topic_arn, alerts.slack_webhook_url) == (None, None)


def test_settings_are_read_at_call_time(monkeypatch, tmp_path):
    monkeypatch.setenv("TICKET_LANDING_URI", "s3://bucket/prefix")
    assert get_settings().landing_uri == "s3://bucket/prefix"
    assert get_settings().read_workers == 32
    monkeypatch.setenv("TICKET_LANDING_URI", str(tmp_path))
    assert get_settings().landing_uri == str(tmp_path)
    monkeypatch.setenv("TICKET_JUDGE", "bedrock")
    assert configure()["judge"].kind == "bedrock"


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
        ("TICKET_JUDGE_MIN_AGREEMENT", "2", "TICKET_JUDGE_MIN_AGREEMENT=2.0 must be between"),
        ("TICKET_ALERT_MIN_SEVERITY", "info", "TICKET_ALERT_MIN_SEVERITY must be one of"),
    ],
)
def test_bad_settings_say_what_to_fix(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        configure()


def test_prod_names_each_missing_variable(monkeypatch):
    monkeypatch.setenv("TICKET_PLATFORM_ENV", "prod")
    monkeypatch.delenv("TICKET_LANDING_URI", raising=False)
    with pytest.raises(SettingsError, match="TICKET_LANDING_URI"):
        configure()
    monkeypatch.setenv("TICKET_LANDING_URI", "s3://lake/landing")
    with pytest.raises(SettingsError, match="TICKET_REDSHIFT_HOST"):
        configure()
    for name in ("TICKET_REDSHIFT_HOST", "TICKET_REDSHIFT_USER", "TICKET_REDSHIFT_IAM_ROLE_ARN"):
        monkeypatch.setenv(name, PROD_ENV[name])
    with pytest.raises(SettingsError, match="needs TICKET_REDSHIFT_STAGING_URI"):
        configure()


def test_the_judge_is_offline_locally_and_bedrock_in_prod(monkeypatch):
    monkeypatch.delenv("TICKET_JUDGE", raising=False)
    monkeypatch.delenv("TICKET_PLATFORM_ENV", raising=False)
    local = JudgeResource.from_env(get_settings())
    assert (local.kind, local.concurrency, local.max_calls, local.max_cost_usd) == (
        "rules",
        16,
        None,
        None,
    )
    for name, value in {**PROD_ENV, "TICKET_JUDGE_MAX_CALLS": "500"}.items():
        monkeypatch.setenv(name, value)
    prod = configure()["judge"]
    assert (prod.kind, prod.max_calls, prod.temperature) == ("bedrock", 500, 0.0)


def test_prod_alerts_audit_in_the_warehouse(monkeypatch):
    for name, value in PROD_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TICKET_DAGSTER_UI_URL", "https://dagster.example/")
    alerts = configure()["alerts"]
    assert alerts.audit_database is None
    assert alerts.ui_url == "https://dagster.example"


@pytest.mark.parametrize(
    ("name", "value"),
    [("TICKET_JUDGE", "gpt"), ("TICKET_ALERT_MIN_SEVERITY", "info"), ("TICKET_PLATFORM_ENV", "x")],
)
def test_every_command_stops_on_a_bad_variable(monkeypatch, name, value):
    """A bad resource variable stops the CLI as a bad setting does: exit 2, the variable named."""
    from typer.testing import CliRunner

    from ticket_platform.cli.main import app

    monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["route", "--text", "my invoice is wrong"])
    assert result.exit_code == 2
    assert "configuration error" in result.output and name in result.output


def test_the_hot_path_ticks_every_4_s_locally_and_every_15_s_in_prod(monkeypatch, tmp_path):
    monkeypatch.delenv("TICKET_HOT_PATH_INTERVAL_SECONDS", raising=False)
    monkeypatch.delenv("TICKET_PLATFORM_ENV", raising=False)
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path))
    assert get_settings().automation.hot_path_interval_seconds == 4
    monkeypatch.setenv("TICKET_PLATFORM_ENV", "prod")
    monkeypatch.setenv("TICKET_LANDING_URI", "s3://lake/landing")
    assert get_settings().automation.hot_path_interval_seconds == 15
    monkeypatch.setenv("TICKET_HOT_PATH_INTERVAL_SECONDS", "8")
    assert get_settings().automation.hot_path_interval_seconds == 8
    assert get_settings().parse_processes >= 1


def test_parse_processes_default_to_the_cpus_the_process_may_use(monkeypatch, tmp_path):
    """Under taskset or a container's cpuset the machine has more cores than the load may use."""
    monkeypatch.delenv("TICKET_PARSE_PROCESSES", raising=False)
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {3}, raising=False)
    assert get_settings().parse_processes == 1
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(12)), raising=False)
    assert get_settings().parse_processes == 8
    monkeypatch.setenv("TICKET_PARSE_PROCESSES", "3")
    assert get_settings().parse_processes == 3
