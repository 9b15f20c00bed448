"""Resources for every asset, chosen by the one environment switch (``TICKET_PLATFORM_ENV``)."""

from __future__ import annotations

from dagster_aws.redshift import RedshiftClientResource

from ticket_platform.alerts.resource import AlertResource
from ticket_platform.evaluation.resource import JudgeResource
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.settings import Settings
from ticket_platform.transform.project import dbt_cli
from ticket_platform.warehouse.resource import DuckDBWarehouse, RedshiftWarehouse, WarehouseResource


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
