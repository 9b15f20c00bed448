"""The dbt project as Dagster sees it, and the environment dbt runs with."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from filelock import FileLock

from ticket_platform.settings import PROJECT_ROOT, Settings

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


def dbt_project(settings: Settings) -> DbtProject:
    return DbtProject(
        project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target=settings.dbt_target
    )


def dbt_environment(settings: Settings) -> dict[str, str]:
    """Variables dbt's profiles.yml reads, resolved from the platform settings."""
    return {"TICKET_WAREHOUSE_PATH": str(settings.warehouse_path)}


def dbt_executable() -> str:
    """The ``dbt`` beside this interpreter (a venv that is not activated), else from PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def dbt_cli(settings: Settings) -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project(settings),
        target=settings.dbt_target,
        dbt_executable=dbt_executable(),
    )


def prepare_manifest(settings: Settings, *, force: bool = False) -> Path:
    """Parse the dbt project so its manifest exists (``dagster dev`` re-parses on its own)."""
    project = dbt_project(settings)
    project.target_path.mkdir(parents=True, exist_ok=True)
    # Parallel test workers and a running `dagster dev` may all try to parse at once.
    with FileLock(project.target_path / ".prepare.lock", timeout=600):
        if force or not project.manifest_path.exists():
            dbt_cli(settings).cli(["parse", "--quiet"], target_path=project.target_path).wait()
    return project.manifest_path
