"""What the image does at run time, run by tests/deploy/test_wheel_install.py with the interpreter
of a venv that holds the installed wheel and nothing of the checkout: load the code location, find
the dbt project and the manifest prepared at build time, and materialize raw/tickets for one day
and the staging dbt model against DuckDB. Prints one JSON document for the test to judge.

Usage: python installed_checks.py <partition>
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import dagster as dg

import ticket_platform
from ticket_platform.definitions import defs as load_definitions
from ticket_platform.ingest.assets import INGEST_JOB
from ticket_platform.settings import DEFAULT_DATA_DIR, PROJECT_ROOT, get_settings
from ticket_platform.transform.assets import DBT_BUILD_JOB
from ticket_platform.transform.project import DBT_PROJECT_DIR, dbt_project, manifest_is_stale

STG = dg.AssetKey(["staging", "stg_tickets"])


def main(partition: str) -> dict:
    settings = get_settings()
    manifest = dbt_project(settings).manifest_path
    before = manifest.stat().st_mtime_ns
    definitions = load_definitions()
    dg.Definitions.validate_loadable(definitions)
    instance = dg.DagsterInstance.ephemeral()
    ingest = definitions.resolve_job_def(INGEST_JOB).execute_in_process(
        partition_key=partition, instance=instance, raise_on_error=False
    )
    [loaded] = ingest.asset_materializations_for_node("raw__tickets")
    # The staging model alone: its relationship tests would need the marts built too.
    job = definitions.resolve_job_def(DBT_BUILD_JOB)
    models = job.get_subset(asset_selection={STG}, asset_check_selection=set()).execute_in_process(
        instance=instance, raise_on_error=False
    )
    built = [m.asset_key.to_user_string() for m in models.get_asset_materialization_events()]
    return {
        "package": ticket_platform.__file__,
        "demo_importable": importlib.util.find_spec("ticket_platform_demo") is not None,
        "project_root": str(PROJECT_ROOT),
        "default_data_dir": str(Path(DEFAULT_DATA_DIR).resolve()),
        "dbt_project_dir": str(DBT_PROJECT_DIR),
        "manifest": str(manifest),
        "manifest_stale": manifest_is_stale(manifest),
        "manifest_rewritten": manifest.stat().st_mtime_ns != before,
        "assets": len(list(definitions.resolve_all_asset_keys())),
        "ingest_success": ingest.success,
        "rows_loaded": loaded.metadata["rows_loaded"].value,
        "dbt_success": models.success,
        "dbt_built": built,
        "warehouse": str(settings.warehouse_path),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
