"""dbt models as Dagster assets: staging views, marts, and their tests as asset checks."""

import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from packaging import version

from ticket_platform.pools import writer_pool
from ticket_platform.settings import Settings, get_settings
from ticket_platform.transform.build_config import (
    DBT_TESTS_ALL,
    DBT_TESTS_TAG,
    DbtBuildConfig,
    dbt_build_args,
)
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
    """Add ``dagster/row_count`` to each model output, counted after dbt has exited, and yield
    the outputs before the test results and observations.

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
    # The models' outputs first (in dbt's order, which is topological), then the test results
    # and observations: hundreds of check events no longer delay the materializations. Each
    # check result still follows the output of the model it tests.
    outputs = [e for e in events if isinstance(e, dg.Output)]
    for event in outputs:
        if "unique_id" in event.metadata:
            count = counts.get(event.metadata["unique_id"].value)
            if count is not None:
                event = event.with_metadata({**event.metadata, "dagster/row_count": count})
        yield event
    yield from (e for e in events if not isinstance(e, dg.Output))


PARTIAL_PARSE = "partial_parse.msgpack"


def keep_partial_parse_warm(invocation_target: Path, project_target: Path) -> bool:
    """Copy the parse state a successful dbt invocation wrote to the project's target folder.

    dagster-dbt gives each invocation a folder of its own and seeds it with the project target's
    ``partial_parse.msgpack``; without this the seed is whatever ``dbt parse`` wrote when the
    manifest was prepared, often with another profile (warehouse path), and every run re-parsed
    the whole project (about 5 s). dbt checks the state it reads (project files, profile, vars,
    version) and re-parses whatever changed, so a stale copy costs time, never correctness.
    Replaced atomically: a run copying it meanwhile reads the old or the new file, never half.
    """
    source = invocation_target / PARTIAL_PARSE
    if not source.is_file() or not project_target.is_dir():
        return False
    tmp: str | None = None
    try:  # a read-only target folder (an image's) only loses the speed-up
        fd, tmp = tempfile.mkstemp(dir=project_target, prefix=f".{PARTIAL_PARSE}.")
        os.close(fd)
        shutil.copyfile(source, tmp)
        shutil.copymode(source, tmp)
        os.replace(tmp, project_target / PARTIAL_PARSE)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        return False
    return True


class _DbtCliWithoutAdapter(DbtCliResource):
    """The project's ``DbtCliResource`` without what dagster-dbt does in the run's process before
    each invocation: ``dbt --version`` in a subprocess (3 to 6 s: it imports dbt) when the
    executable is this environment's, whose dbt-core version is known without it; and the
    in-process dbt adapter (imports dbt, loads the project and profile), which serves only
    dagster-dbt's column-metadata and row-count fetchers, unused here (``with_row_counts`` counts
    after dbt exits)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        if Path(self.dbt_executable).resolve() == (Path(sys.executable).parent / "dbt").resolve():
            return version.parse(importlib.metadata.version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args):  # type: ignore[override]
        return None  # dagster-dbt then runs without one (as it does for dbt Fusion)


def _without_adapter(dbt: DbtCliResource) -> DbtCliResource:
    fields = {name: getattr(dbt, name) for name in DbtCliResource.model_fields}
    return _DbtCliWithoutAdapter(**fields)


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
        # Hot-path runs (the dbt automation sensor's, load_and_judge) are tagged "blocking";
        # everything else runs every test.
        tests = context.run.tags.get(DBT_TESTS_TAG, DBT_TESTS_ALL)
        manifest = json.loads(project.manifest_path.read_text()) if tests != DBT_TESTS_ALL else None
        args = dbt_build_args(config, tests=tests, manifest=manifest)
        invocation = _without_adapter(dbt).cli(args, context=context, raise_on_error=False)
        events = list(invocation.stream())
        error = invocation.get_error()
        if error is None and config.window_start is None:
            # Not after a windowed build: its vars are in the parse state, and the next
            # automation run (no vars) would have to re-parse.
            keep_partial_parse_warm(
                invocation.target_path, project.project_dir / project.target_path
            )
        yield from with_row_counts(events, model_relations(invocation.manifest), warehouse)
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
