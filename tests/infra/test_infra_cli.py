"""The pinned CDK CLI (infra_cdk/package.json) synthesizes the app offline, as a user runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

INFRA = Path(__file__).resolve().parents[2] / "infra_cdk"
CDK = INFRA / "node_modules" / ".bin" / "cdk"


def test_cli_is_pinned_to_an_exact_2x_version() -> None:
    package = json.loads((INFRA / "package.json").read_text())
    version = package["devDependencies"]["aws-cdk"]
    assert re.fullmatch(r"2\.\d+\.\d+", version), (
        "pin aws-cdk to an exact 2.x (3.x refuses v2 libs)"
    )
    lock = json.loads((INFRA / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/aws-cdk"]["version"] == version


def test_cdk_json_runs_the_app_from_this_folder() -> None:
    settings = json.loads((INFRA / "cdk.json").read_text())
    assert settings["app"].endswith(" app.py")
    assert (INFRA / "app.py").is_file()


@pytest.mark.skipif(
    not CDK.exists(), reason="CDK CLI not installed: run `npm ci --prefix infra_cdk` first"
)
def test_npx_cdk_synth_works_offline(tmp_path: Path) -> None:
    environment = {
        **os.environ,
        "CDK_PYTHON": sys.executable,
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "CDK_DISABLE_VERSION_CHECK": "1",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }
    context = {
        "lambdaDependencies": "skip",
        "lambdaBuildDir": str(tmp_path / "build"),
        "alertEmails": "oncall@example.com",
    }
    command = [str(CDK), "synth", "--no-notices", "--no-version-reporting", "--quiet"]
    command += [option for key, value in context.items() for option in ("-c", f"{key}={value}")]
    command += ["-o", str(tmp_path / "cdk.out")]
    result = subprocess.run(
        command,
        cwd=INFRA,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "dependency layer is EMPTY" in result.stderr
    template = json.loads((tmp_path / "cdk.out" / "TicketPlatform-dev.template.json").read_text())
    assert "AWS::StepFunctions::StateMachine" in {r["Type"] for r in template["Resources"].values()}
