"""The dbt docs site for analysts, generated after builds and published where they can open it.

`dbt docs generate --static` writes `index.html` (served over HTTP) and `static_index.html` (one
file that opens from disk). The site is copied to ``<data dir>/dbt_docs`` and, when
``TICKET_DOCS_URI`` is an ``s3://`` URI, uploaded there (e.g. a bucket behind CloudFront).
"""

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from ticket_platform.ingest.landing_uri import parse_landing_uri
from ticket_platform.pools import writer_pool
from ticket_platform.settings import Settings, get_settings
from ticket_platform.transform.assets import DBT_DOCS
from ticket_platform.transform.docs_server import SITE_FILES
from ticket_platform.transform.project import dbt_environment, prepare_manifest
from ticket_platform.transform.translator import TicketDbtTranslator


@dataclass(frozen=True)
class DocsSite:
    folder: Path
    models: int
    documented_models: int
    columns: int
    documented_columns: int

    @property
    def static_page(self) -> Path:
        return self.folder / "static_index.html"


def coverage(manifest: dict) -> tuple[int, int, int, int]:
    """(models, models with a description, columns, columns with a description)."""
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    columns = [c for m in models for c in m.get("columns", {}).values()]
    return (
        len(models),
        sum(1 for m in models if m.get("description")),
        len(columns),
        sum(1 for c in columns if c.get("description")),
    )


def generate_docs(settings: Settings, dbt: DbtCliResource, out: Path | None = None) -> DocsSite:
    """Run ``dbt docs generate --static`` and copy the site to ``out`` (default: data dir)."""
    os.environ.update(dbt_environment(settings))
    prepare_manifest(settings)
    folder = out or settings.data_dir / "dbt_docs"
    folder.mkdir(parents=True, exist_ok=True)
    # A private target folder: concurrent builds never read each other's half-written files.
    with tempfile.TemporaryDirectory(prefix="dbt-docs-", dir=folder.parent) as target:
        dbt.cli(["docs", "generate", "--static"], target_path=Path(target)).wait()
        for name in SITE_FILES:
            shutil.copy2(Path(target) / name, folder / name)
    manifest = json.loads((folder / "manifest.json").read_text())
    return DocsSite(folder, *coverage(manifest))


def publish_docs(site: DocsSite, uri: str, s3_client) -> list[str]:
    """Upload the site's files under ``s3://bucket/prefix``; returns the keys written."""
    kind, bucket, prefix = parse_landing_uri(uri)
    if kind != "s3":
        raise ValueError(f"TICKET_DOCS_URI must be s3://bucket/prefix, not {uri!r}")
    keys = []
    for name, content_type in SITE_FILES.items():
        key = f"{prefix}/{name}" if prefix else name
        s3_client.upload_file(
            str(site.folder / name), bucket, key, ExtraArgs={"ContentType": content_type}
        )
        keys.append(key)
    return keys


def build_docs_asset(settings: Settings, model_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    docs_uri = settings.docs_uri

    @dg.asset(
        key=DBT_DOCS,
        deps=model_keys,
        group_name="docs",
        kinds={"html"},  # not "dbt": the dbt automation sensor must not rebuild it on every change
        owners=["team:analytics-engineering"],
        pool=writer_pool(settings),
        description=(
            "The dbt docs site: every model, column, test and source with its lineage, "
            "generated after the dbt build (`dbt docs generate --static`). Open "
            "`<data dir>/dbt_docs/static_index.html`, or `make docs` to serve it; published to "
            "TICKET_DOCS_URI (s3://...) when set."
        ),
    )
    def dbt_docs(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> dg.MaterializeResult:
        site = generate_docs(settings, dbt)
        metadata: dict[str, dg.MetadataValue] = {
            "static_page": dg.MetadataValue.path(str(site.static_page)),
            "models": dg.MetadataValue.int(site.models),
            "models_documented": dg.MetadataValue.int(site.documented_models),
            "columns": dg.MetadataValue.int(site.columns),
            "columns_documented": dg.MetadataValue.int(site.documented_columns),
        }
        if docs_uri:
            import boto3

            keys = publish_docs(site, docs_uri, boto3.client("s3", region_name=settings.aws_region))
            metadata["published_to"] = dg.MetadataValue.url(docs_uri.rstrip("/") + "/index.html")
            context.log.info(f"published {len(keys)} files to {docs_uri}")
        return dg.MaterializeResult(metadata=metadata)

    return dbt_docs


@dg.definitions
def defs() -> dg.Definitions:
    settings = get_settings()
    manifest = json.loads(prepare_manifest(settings).read_text())
    translator = TicketDbtTranslator()
    model_keys = [
        translator.get_asset_spec(manifest, unique_id, None).key
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
    ]
    return dg.Definitions(assets=[build_docs_asset(settings, model_keys)])
