"""Secrets reach runs, sensors and the CLI, never the UI.

The Redshift password and the Slack webhook URL are ``dg.EnvVar`` in the resources: the UI's
resource page (the ``topLevelResourceDetailsOrError`` GraphQL query it sends, answered here by an
in-process workspace over the code location) shows the variable's name, and the values appear
nowhere in what the code location sends to the UI. Dagster resolves them when a run or sensor
starts, and the CLI resolves them the same way (``resources.resolved``).
"""

from __future__ import annotations

import json
import os
import textwrap

import dagster as dg
import pytest
from dagster._core.remote_representation.external_data import RepositorySnap
from dagster._core.test_utils import in_process_test_workspace
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from dagster_graphql.test.utils import execute_dagster_graphql
from dagster_shared.serdes import serialize_value
from prod_env import PROD_ENV

from ticket_platform.alerts.channels import SlackChannel
from ticket_platform.alerts.resource import AlertResource
from ticket_platform.cli.job_runs import JobRuns
from ticket_platform.resources import platform_resources, resolved
from ticket_platform.settings import get_settings
from ticket_platform.warehouse.resource import WarehouseResource

PASSWORD = "pw-never-shown-7f3a"
WEBHOOK = "https://hooks.slack.com/services/T0123/B0456/webhook-never-shown-9c1e"
SECRETS = (PASSWORD, "webhook-never-shown-9c1e")

RESOURCE_PAGE = """
query ResourcePage($selector: ResourceSelector!) {
  topLevelResourceDetailsOrError(resourceSelector: $selector) {
    __typename
    ... on ResourceDetails {
      name
      description
      configuredValues { key value type }
      configFields { name description defaultValueAsJson }
      nestedResources {
        name
        type
        resource { name configuredValues { key value type } }
      }
    }
    ... on PythonError { message }
  }
}
"""


@pytest.fixture
def secrets_set(monkeypatch, tmp_path):
    for name in [name for name in os.environ if name.startswith("TICKET_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TICKET_ALERT_SLACK_WEBHOOK_URL", WEBHOOK)
    monkeypatch.setenv("TICKET_REDSHIFT_PASSWORD", PASSWORD)


def _prod(monkeypatch):
    for name, value in PROD_ENV.items():
        monkeypatch.setenv(name, value)


def _resource_page(origin: LoadableTargetOrigin, resource: str) -> dict:
    """What the UI's resource page receives for one resource of the code location."""
    with dg.instance_for_test() as instance, in_process_test_workspace(instance, origin) as ctx:
        [location] = ctx.code_location_names
        [repository] = ctx.get_code_location(location).get_repositories()
        selector = {
            "repositoryLocationName": location,
            "repositoryName": repository,
            "resourceName": resource,
        }
        result = execute_dagster_graphql(ctx, RESOURCE_PAGE, variables={"selector": selector})
    page = result.data["topLevelResourceDetailsOrError"]
    assert page["__typename"] == "ResourceDetails", page
    return page


def _values(page: dict) -> dict[str, tuple[str, str]]:
    return {entry["key"]: (entry["type"], entry["value"]) for entry in page["configuredValues"]}


def test_the_ui_shows_the_webhook_variable_not_the_url(secrets_set):
    # The code location itself, as `dagster dev -w workspace.yaml` loads it.
    origin = LoadableTargetOrigin(module_name="ticket_platform.definitions")
    page = _resource_page(origin, "alerts")
    assert _values(page)["slack_webhook_url"] == ("ENV_VAR", "TICKET_ALERT_SLACK_WEBHOOK_URL")
    shown = json.dumps(page)
    assert not any(secret in shown for secret in SECRETS)


def test_the_ui_shows_the_redshift_password_variable_not_the_password(
    secrets_set, monkeypatch, tmp_path
):
    _prod(monkeypatch)
    # The prod resources alone (the prod dbt assets need a Redshift manifest); the same
    # platform_resources() the code location binds.
    location = tmp_path / "prod_location.py"
    location.write_text(
        textwrap.dedent(
            """
            import dagster as dg

            from ticket_platform.resources import platform_resources
            from ticket_platform.settings import get_settings

            defs = dg.Definitions(resources=platform_resources(get_settings()))
            """
        )
    )
    origin = LoadableTargetOrigin(python_file=str(location), attribute="defs")
    page = _resource_page(origin, "warehouse")
    assert _values(page)["staging_uri"] == ("VALUE", '"s3://lake/_staging"')
    # The connection is an anonymous nested resource: the UI lists it without a page of its
    # own, so its configuration (where the password is the variable) is not displayed at all.
    [nested] = page["nestedResources"]
    assert (nested["name"], nested["type"], nested["resource"]) == ("redshift", "ANONYMOUS", None)
    shown = json.dumps(page)
    assert not any(secret in shown for secret in SECRETS)


def test_nothing_the_code_location_sends_holds_a_secret(secrets_set, monkeypatch):
    """Every UI page (resources, the launchpad's config, jobs) reads the repository snapshot the
    code server sends: the variables' names are in it, the values are not."""
    _prod(monkeypatch)

    @dg.asset
    def probe(warehouse: WarehouseResource, alerts: AlertResource) -> None:
        """Uses both resources, so a job's run config schema holds their config."""

    definitions = dg.Definitions(
        assets=[probe],
        jobs=[dg.define_asset_job("probe_job", selection=[probe])],
        resources=platform_resources(get_settings()),
    )
    snapshot = serialize_value(RepositorySnap.from_def(definitions.get_repository_def()))
    assert not any(secret in snapshot for secret in SECRETS)
    assert "TICKET_ALERT_SLACK_WEBHOOK_URL" in snapshot
    assert "TICKET_REDSHIFT_PASSWORD" in snapshot


def test_outside_a_run_the_cli_resolves_the_secrets(secrets_set, monkeypatch):
    _prod(monkeypatch)
    resources = platform_resources(get_settings())
    # Unresolved, an EnvVar field is the variable's name: never connect with it.
    password = resources["warehouse"].redshift.password
    assert isinstance(password, dg.EnvVar) and password == "TICKET_REDSHIFT_PASSWORD"
    with resolved(resources["warehouse"]) as warehouse:
        assert warehouse.redshift.password == PASSWORD
        assert warehouse.redshift.get_client().conn_args["password"] == PASSWORD
    with resolved(resources["alerts"]) as alerts:
        [slack] = alerts.channels()
        assert isinstance(slack, SlackChannel) and slack.client.url == WEBHOOK
        assert slack.recipient == "https://hooks.slack.com/services/T0123/***"


def test_the_headless_runner_opens_the_code_locations_warehouse_resolved(secrets_set, monkeypatch):
    """``ticket-platform run`` reads its warehouse through the loaded definitions' resource."""
    _prod(monkeypatch)
    definitions = dg.Definitions(resources=platform_resources(get_settings()))
    opened = {}

    class Captured(Exception):
        pass

    def connect(**kwargs):
        opened.update(kwargs)
        raise Captured

    monkeypatch.setattr("psycopg2.connect", connect)
    runs = JobRuns(definitions, instance=None, summary={})  # type: ignore[arg-type]
    with pytest.raises(Captured), runs.warehouse_session():
        pass
    assert (opened["host"], opened["password"]) == ("cluster.example", PASSWORD)


def test_a_sensor_gets_the_webhook_resolved(secrets_set):
    """Sensors get their resources from Dagster, which resolves the EnvVar at tick time."""
    definitions = dg.Definitions(resources=platform_resources(get_settings()))

    @dg.sensor(job_name="unused")
    def probe(context: dg.SensorEvaluationContext, alerts: AlertResource):
        [slack] = alerts.channels()
        return dg.SkipReason(slack.client.url)

    context = dg.build_sensor_context(resources=definitions.resources)
    assert probe(context).skip_message == WEBHOOK


def test_without_the_variables_there_is_no_secret_to_resolve(secrets_set, monkeypatch):
    monkeypatch.delenv("TICKET_ALERT_SLACK_WEBHOOK_URL")
    monkeypatch.delenv("TICKET_REDSHIFT_PASSWORD")
    _prod(monkeypatch)
    resources = platform_resources(get_settings())
    assert resources["alerts"].slack_webhook_url is None
    assert resources["warehouse"].redshift.password is None
