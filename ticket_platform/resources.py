"""The platform's resources, built from the environment by one function for both the code
location (``definitions.py``) and the command line (``cli/``).

Each resource class is the definition of its settings (fields with descriptions naming their
``TICKET_*`` variable). The judge and the alerts read theirs in ``from_env`` beside their fields;
the warehouse (a shared layer that imports no settings) and the landing zone are filled here. A
bad or missing variable is a ``SettingsError`` naming it. Secrets (the Redshift password,
the Slack webhook URL) are ``dg.EnvVar``: Dagster resolves them when a run or a sensor starts and
the UI shows the variable's name. Code that uses a resource outside Dagster's runs (the CLI)
opens it with ``resolved()``, which resolves them the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import dagster as dg
from dagster_aws.redshift import RedshiftClientResource

from ticket_platform.alerts.resource import AlertResource
from ticket_platform.evaluation.resource import JudgeResource
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.settings import Settings, env_required, env_value
from ticket_platform.transform.project import dbt_cli
from ticket_platform.warehouse.resource import (
    REDSHIFT_PASSWORD_VARIABLE,
    DuckDBWarehouse,
    RedshiftWarehouse,
    WarehouseResource,
)

R = TypeVar("R", bound=dg.ConfigurableResource)


def platform_resources(settings: Settings) -> dict[str, object]:
    """Every resource of the code location; a ``SettingsError`` names a bad variable."""
    return {
        "landing": LandingResource(
            uri=settings.landing_uri,
            region_name=settings.aws_region,
            endpoint_url=settings.s3_endpoint_url,
            max_connections=settings.read_workers,
        ),
        "warehouse": warehouse_from_env(settings),
        "dbt": dbt_cli(settings),
        "judge": JudgeResource.from_env(settings),
        "alerts": AlertResource.from_env(settings),
    }


def warehouse_from_env(settings: Settings) -> WarehouseResource:
    """The one switch: the DuckDB file locally, Redshift in prod (``TICKET_REDSHIFT_*``, each
    missing one named)."""
    if settings.is_local:
        return DuckDBWarehouse(database=str(settings.warehouse_path))
    return RedshiftWarehouse(
        redshift=RedshiftClientResource(
            host=env_required("TICKET_REDSHIFT_HOST"),
            port=int(env_value("TICKET_REDSHIFT_PORT", "5439")),
            database=env_value("TICKET_REDSHIFT_DATABASE", "dev"),
            user=env_required("TICKET_REDSHIFT_USER"),
            password=(
                dg.EnvVar(REDSHIFT_PASSWORD_VARIABLE)
                if env_value(REDSHIFT_PASSWORD_VARIABLE)
                else None
            ),
        ),
        iam_role_arn=env_required("TICKET_REDSHIFT_IAM_ROLE_ARN"),
        staging_uri=env_required("TICKET_REDSHIFT_STAGING_URI"),
        region_name=settings.aws_region,
    )


@contextmanager
def resolved(resource: R) -> Iterator[R]:
    """The resource as a run sees it: config processed, ``dg.EnvVar`` fields read from the
    environment, nested resources initialized. For use outside a Dagster run or sensor."""
    with resource.process_config_and_initialize_cm() as initialized:
        yield initialized
