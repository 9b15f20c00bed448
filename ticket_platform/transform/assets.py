"""dbt models as Dagster assets: staging views, marts, and their tests as asset checks."""

import os
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from ticket_platform.pools import writer_pool
from ticket_platform.settings import Settings, get_settings
from ticket_platform.transform.build_config import DbtBuildConfig, dbt_build_args
from ticket_platform.transform.dbt_sources import ensure_dbt_sources
from ticket_platform.transform.project import dbt_environment, dbt_project, prepare_manifest
from ticket_platform.transform.translator import TicketDbtTranslator
from ticket_platform.warehouse.resource import WarehouseResource


def model_relations(manifest: Mapping[str, Any]) -> dict[str, str]:
    """``schema.alias`` of every model that exists in the warehouse (not ephemeral)."""
    return {
        unique_id: f"{node['schema']}.{node['alias']}"
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "seed", "snapshot")
        and node["config"].get("materialized") != "ephemeral"
    }


def with_row_counts(
    events: list[Any], relations: Mapping[str, str], warehouse: WarehouseResource
) -> Iterator[Any]:
    """Add ``dagster/row_count`` to each model output, counted after dbt has exited.

    dagster-dbt's own ``fetch_row_counts`` opens an in-process connection while dbt still holds
    DuckDB's single-writer lock; counting afterwards works on every engine.
    """
    wanted = {
        event.metadata["unique_id"].value
        for event in events
        if isinstance(event, dg.Output) and "unique_id" in event.metadata
    }
    counts: dict[str, int] = {}
    if wanted:
        with warehouse.session() as session:
            for unique_id in wanted & relations.keys():
                counts[unique_id] = int(
                    session.query(f"select count(*) from {relations[unique_id]}")[0][0]
                )
    for event in events:
        if isinstance(event, dg.Output) and "unique_id" in event.metadata:
            count = counts.get(event.metadata["unique_id"].value)
            if count is not None:
                event = event.with_metadata({**event.metadata, "dagster/row_count": count})
        yield event


def build_dbt_assets(settings: Settings) -> dg.AssetsDefinition:
    project = dbt_project(settings)
    prepare_manifest(settings)

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=TicketDbtTranslator(),
        name="ticket_dbt_models",
        pool=writer_pool(settings),
    )
    def ticket_dbt_models(
        context: dg.AssetExecutionContext,
        config: DbtBuildConfig,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
    ):
        os.environ.update(dbt_environment(settings))
        with warehouse.session() as session:  # dbt's sources exist even before the first load
            ensure_dbt_sources(session)
        invocation = dbt.cli(dbt_build_args(config), context=context, raise_on_error=False)
        events = list(invocation.stream())
        yield from with_row_counts(events, model_relations(invocation.manifest), warehouse)
        error = invocation.get_error()
        if error is not None:
            raise error

    return ticket_dbt_models


DBT_BUILD_JOB = "dbt_build"
DBT_DOCS = dg.AssetKey(["docs", "dbt_docs"])
PROCESSED_MARTS = dg.AssetKey(["lake", "processed_marts"])
SUPPORT_DASHBOARD = dg.AssetKey(["reports", "support_dashboard"])


def build_dbt_job(models: dg.AssetsDefinition):
    """Every dbt model and test, including the tests dbt runs on its sources (assets of the
    ingest and evaluation steps, such as ``raw/tickets``), then the docs site, the marts'
    Parquet export and the dashboard."""
    source_checks = [key for key in models.check_keys if key.asset_key not in models.keys]
    return dg.define_asset_job(
        DBT_BUILD_JOB,
        selection=dg.AssetSelection.assets(models)
        | dg.AssetSelection.checks(*source_checks)
        | dg.AssetSelection.assets(DBT_DOCS, PROCESSED_MARTS, SUPPORT_DASHBOARD),
        description=(
            "dbt build: staging views, marts and every dbt test as asset checks, then the docs, "
            "the Parquet export of the marts and the support dashboard."
        ),
    )


@dg.definitions
def defs() -> dg.Definitions:
    models = build_dbt_assets(get_settings())
    return dg.Definitions(assets=[models], jobs=[build_dbt_job(models)])
