"""The dbt project as Dagster sees it, and the environment dbt runs with.

The project is ``dbt_project/`` in a checkout and ``ticket_platform/dbt_project`` in an installed
wheel (``settings.PROJECT_ROOT``). dbt writes its artifacts (the manifest, each invocation's
folder, logs) to ``DBT_TARGET_PATH`` when it is set, dbt's own variable, which dagster-dbt also
honours, and to the project's ``target/`` otherwise. Installed from the wheel, set it: the image
points it at a folder of its own whose manifest was prepared at build time (``python -m
ticket_platform.transform.project``), so nothing is written into site-packages at run time.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from filelock import FileLock

from ticket_platform.settings import PROJECT_ROOT, Settings, env_value, get_settings

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


def dbt_target_path() -> Path:
    """Where dbt writes: ``DBT_TARGET_PATH`` (absolute, or relative to the project), else target/."""
    return Path(env_value("DBT_TARGET_PATH", "target"))


def dbt_project(settings: Settings) -> DbtProject:
    return DbtProject(
        project_dir=DBT_PROJECT_DIR,
        profiles_dir=DBT_PROJECT_DIR,
        target=settings.dbt_target,
        target_path=dbt_target_path(),
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


_DBT_SOURCES = ("dbt_project.yml", "models", "macros", "seeds", "tests", "snapshots")


def manifest_is_stale(manifest: Path) -> bool:
    """True when the manifest is missing or older than any file of the dbt project."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in _DBT_SOURCES:
        path = DBT_PROJECT_DIR / name
        files = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        if any(f.is_file() and f.stat().st_mtime > built for f in files):
            return True
    return False


def prepare_manifest(settings: Settings, *, force: bool = False) -> Path:
    """Parse the dbt project when its manifest is missing or older than the project's files.

    Used instead of ``DbtProject.prepare_if_dev()``, which re-parses on every code load under
    ``dagster dev``, including in each run's process: ten seconds added to every run.
    """
    project = dbt_project(settings)
    target = project.manifest_path.parent  # target_path is relative to the dbt project, not cwd
    target.mkdir(parents=True, exist_ok=True)
    # Parallel test workers and a running `dagster dev` may all try to parse at once.
    with FileLock(target / ".prepare.lock", timeout=600):
        if force or manifest_is_stale(project.manifest_path):
            dbt_cli(settings).cli(["parse", "--quiet"], target_path=project.target_path).wait()
    return project.manifest_path


if __name__ == "__main__":
    # The image's build step: parse now, for TICKET_DBT_TARGET, and print the manifest's path.
    print(prepare_manifest(get_settings(), force=True))
