"""Resources for every asset, chosen by the one environment switch (``TICKET_PLATFORM_ENV``)."""

from __future__ import annotations

import dagster as dg
from dagster_aws.redshift import RedshiftClientResource

from ticket_platform.defs.automation.resources import AlertResource
from ticket_platform.defs.evaluation.resources import JudgeResource
from ticket_platform.defs.ingest.resources import (
    DuckDBWarehouse,
    LandingResource,
    RedshiftWarehouse,
    WarehouseResource,
)
from ticket_platform.defs.transform.project import dbt_cli
from ticket_platform.settings import Settings, get_settings


def warehouse_resource(settings: Settings) -> WarehouseResource:
    if settings.is_local:
        return DuckDBWarehouse(database=str(settings.warehouse_path))
    rs = settings.redshift
    assert rs is not None  # get_settings() requires it in prod
    return RedshiftWarehouse(
        redshift=RedshiftClientResource(
            host=rs.host,
            port=rs.port,
            database=rs.database,
            user=rs.user,
            password=rs.password,
        ),
        staging_uri=rs.staging_uri,
        iam_role_arn=rs.iam_role_arn,
        region_name=settings.aws_region,
    )


def platform_resources(settings: Settings) -> dict[str, object]:
    return {
        "landing": LandingResource(
            uri=settings.landing_uri,
            region_name=settings.aws_region,
            endpoint_url=settings.s3_endpoint_url,
            max_connections=settings.read_workers,
        ),
        "warehouse": warehouse_resource(settings),
        "dbt": dbt_cli(settings),
        "judge": JudgeResource.from_settings(settings.judge, settings.aws_region),
        "alerts": AlertResource.from_settings(settings.alerts),
    }


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(resources=platform_resources(get_settings()))
