"""The marts as Parquet in the lake's ``processed/`` zone, refreshed after each dbt build."""

import json

import dagster as dg

from ticket_platform.ingest.resources import LandingResource
from ticket_platform.pools import writer_pool
from ticket_platform.reports.export import PROCESSED_PREFIX, export_tables
from ticket_platform.settings import Settings, get_settings
from ticket_platform.transform.assets import PROCESSED_MARTS, model_relations
from ticket_platform.transform.project import prepare_manifest
from ticket_platform.transform.translator import TicketDbtTranslator
from ticket_platform.warehouse.resource import WarehouseResource


def mart_models(manifest: dict) -> dict[dg.AssetKey, str]:
    """Asset key -> ``schema.table`` of every model materialized in the marts layer."""
    translator = TicketDbtTranslator()
    relations = model_relations(manifest)
    return {
        translator.get_asset_spec(manifest, unique_id, None).key: relation
        for unique_id, relation in relations.items()
        if manifest["nodes"][unique_id]["resource_type"] == "model"
        and manifest["nodes"][unique_id]["fqn"][1:2] == ["marts"]
    }


def build_export_asset(settings: Settings, marts: dict[dg.AssetKey, str]) -> dg.AssetsDefinition:
    @dg.asset(
        key=PROCESSED_MARTS,
        deps=list(marts),
        group_name="marts",
        kinds={"parquet", "s3" if settings.landing_uri.startswith("s3://") else "python"},
        owners=["team:analytics-engineering"],
        pool=writer_pool(settings),
        description=(
            "Every mart as one Parquet file under `processed/<schema>/<table>/` in the lake "
            "(the landing zone's root: a folder locally, the bucket in prod), replaced after "
            "each dbt build: point Athena, Spark or DuckDB at the prefix."
        ),
    )
    def processed_marts(
        context: dg.AssetExecutionContext, landing: LandingResource, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        store = landing.get_landing()
        with warehouse.session() as session:
            exported = export_tables(session, store, sorted(marts.values()))
        for item in exported:
            context.log.info(
                f"{item.table}: {item.rows:,} rows, {item.bytes:,} bytes -> {item.key}"
            )
        return dg.MaterializeResult(
            metadata={
                "location": dg.MetadataValue.path(f"{store.uri}/{PROCESSED_PREFIX}/"),
                "tables": dg.MetadataValue.md(
                    "| table | rows | bytes | key |\n|---|---:|---:|---|\n"
                    + "\n".join(
                        f"| {i.table} | {i.rows:,} | {i.bytes:,} | `{i.key}` |" for i in exported
                    )
                ),
                "rows": dg.MetadataValue.int(sum(i.rows for i in exported)),
                "bytes": dg.MetadataValue.int(sum(i.bytes for i in exported)),
            }
        )

    return processed_marts


@dg.definitions
def defs() -> dg.Definitions:
    settings = get_settings()
    manifest = json.loads(prepare_manifest(settings).read_text())
    return dg.Definitions(assets=[build_export_asset(settings, mart_models(manifest))])
