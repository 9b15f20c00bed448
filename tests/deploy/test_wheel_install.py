"""The image's steps without Docker (no daemon runs here): build the product's wheel from what the
Dockerfile's first stage copies, install it into a fresh venv outside the repository, prepare the
dbt manifest with the Dockerfile's own command, then from another working directory load the code
location, find the dbt project and its manifest, and materialize raw/tickets and the staging dbt model
against DuckDB (tests/deploy/installed_checks.py).

The fresh venv gets the wheel from pip, without its dependencies: those are the test venv's,
linked in one by one (everything but this project's own distributions and editable finders), so
the run needs no index and takes seconds instead of a 1.3 GB install. deploy/constraints.txt and
`pip check` in the image cover what that leaves out (tests/deploy/test_image.py).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import duckdb
import pytest

from ticket_platform.contracts import ProcessedTicket
from ticket_platform.ingest.landing import LocalLanding

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
PARTITION = "2025-08-08"  # the day of the seed system's 100 real tickets
PIP = [sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check", "--no-cache-dir"]
OWN_DISTRIBUTIONS = ("ticket_platform", "ticket-platform", "__editable__", "lambdas")


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), one list per stage."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def wheel_stage_sources() -> list[str]:
    """What the stage that builds the wheel copies from the build context."""
    sources: list[str] = []
    for line in dockerfile_stages()[0]:
        if line.upper().startswith("COPY ") and "--from" not in line:
            sources += shlex.split(line)[1:-1]
    return sources


def _run(args: list, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, **kwargs
    )
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The product's wheel, built as the image builds it, from a copy of the build context."""
    base = tmp_path_factory.mktemp("wheel")
    sources = wheel_stage_sources()
    files = _run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", *sources],
        cwd=REPO,
    ).stdout.split("\0")
    context = base / "context"
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():  # a file deleted in the working tree is still listed
            target = context / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    _run(
        [*PIP, "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", base / "dist", context]
    )
    [built] = (base / "dist").glob("ticket_platform-*.whl")
    return built


def test_the_wheel_holds_the_product_and_its_dbt_project_but_not_the_demo(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(
            archive.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt")
        )
    tracked = _run(["git", "ls-files", "-z"], cwd=REPO).stdout.split("\0")
    modules = {
        n for n in tracked if n.endswith(".py") and n.startswith(("ticket_platform/", "lambdas/"))
    }
    assert modules - names == set(), "a package is missing from [tool.setuptools] packages"
    dbt_files = {
        "ticket_platform/" + n
        for n in tracked
        if n.startswith("dbt_project/")
        and n.endswith((".sql", ".yml", ".csv", ".md"))
        and n != "dbt_project/README.md"
    }
    assert dbt_files - names == set()
    assert {n for n in names if "/dbt_project/" in n} == dbt_files, "only what dbt reads"
    assert not [n for n in names if n.startswith("ticket_platform_demo")]
    assert "[ticket_platform.cli]" not in entry_points, "the demo's commands come with the demo"
    assert "ticket-platform = ticket_platform.cli.main:app" in entry_points


def _tree(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` (bytecode caches aside) and its modification time."""
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory, seed_lines) -> dict:
    """A venv outside the repository holding the wheel, with the manifest prepared as the image
    prepares it. Returns its paths and the environment its commands run with."""
    base = tmp_path_factory.mktemp("installed")
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    site = Path(
        _run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
        ).stdout.strip()
    )
    _run([*PIP, "--python", python, "install", "--no-deps", "--no-index", wheel])
    package = site / "ticket_platform"
    installed_tree = _tree(package)  # to compare with after the build step and a run
    ours = sysconfig.get_path("purelib")
    for entry in Path(ours).iterdir():
        if not entry.name.startswith(OWN_DISTRIBUTIONS) and not (site / entry.name).exists():
            (site / entry.name).symlink_to(entry)
    for script in ("dbt", "dagster"):  # as pip writes them: this venv's interpreter runs them
        lines = (Path(sys.executable).parent / script).read_text().splitlines(keepends=True)
        (venv / "bin" / script).write_text(f"#!{python}\n" + "".join(lines[1:]))
        (venv / "bin" / script).chmod(0o755)

    work = base / "work"  # the working directory: neither the repository nor the venv
    landing = LocalLanding(work / "landing")
    for line in seed_lines:
        landing.write(ProcessedTicket.model_validate_json(line).lake_key(), line)
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TICKET_", "DBT_", "DAGSTER_", "PYTHON", "VIRTUAL_ENV"))
    }
    env = inherited | {
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(base / "home"),
        "DBT_TARGET_PATH": str(base / "dbt-target"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "TICKET_DATA_DIR": str(work / "data"),
        "TICKET_LANDING_URI": str(landing.uri),
    }
    (base / "home").mkdir()
    # The Dockerfile's own build-time step, as written there.
    [prepare] = [
        line.removeprefix("RUN ")
        for line in dockerfile_stages()[-1]
        if line.startswith("RUN ") and "ticket_platform.transform.project" in line
    ]
    done = _run(["sh", "-c", prepare], cwd=work, env=env)
    return {
        "venv": venv,
        "python": python,
        "site": site,
        "work": work,
        "env": env,
        "manifest": Path(done.stdout.strip().splitlines()[-1]),
        "installed_tree": installed_tree,
    }


@pytest.mark.dbt
def test_the_manifest_is_prepared_outside_site_packages(installed):
    manifest = installed["manifest"]
    assert manifest == Path(installed["env"]["DBT_TARGET_PATH"]) / "manifest.json"
    nodes = json.loads(manifest.read_text())["nodes"]
    assert "model.ticket_platform.fct_tickets" in nodes
    assert json.loads(manifest.read_text())["metadata"]["adapter_type"] == "redshift"


def test_the_cli_runs_without_the_demo(installed):
    done = _run(["ticket-platform", "--help"], cwd=installed["work"], env=installed["env"])
    assert " run " in done.stdout
    assert "simulate" not in done.stdout and "generate" not in done.stdout


@pytest.mark.dbt
def test_the_installed_code_location_loads_and_materializes(installed):
    package = installed["site"] / "ticket_platform"
    script = installed["work"] / "installed_checks.py"  # not run from the repository
    script.write_text((Path(__file__).parent / "installed_checks.py").read_text())
    done = _run(
        [installed["python"], script, PARTITION], cwd=installed["work"], env=installed["env"]
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])

    assert Path(report["package"]).is_relative_to(installed["site"])
    assert not report["demo_importable"]
    assert Path(report["project_root"]) == package
    assert Path(report["dbt_project_dir"]) == package / "dbt_project"
    # Without TICKET_DATA_DIR, local data would go to the working directory, not site-packages.
    assert Path(report["default_data_dir"]) == installed["work"] / ".data"
    assert (package / "dbt_project" / "dbt_project.yml").is_file()
    assert Path(report["manifest"]) == installed["manifest"]
    assert not report["manifest_stale"] and not report["manifest_rewritten"]
    assert report["assets"] > 30
    assert report["ingest_success"] and report["rows_loaded"] == 100
    assert report["dbt_success"], done.stderr[-3000:]
    assert report["dbt_built"] == ["staging/stg_tickets"]
    warehouse = Path(report["warehouse"])
    assert warehouse.is_relative_to(installed["work"])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from staging.stg_tickets").fetchone()[0] == 100
    assert _tree(package) == installed["installed_tree"], "nothing written into site-packages"
