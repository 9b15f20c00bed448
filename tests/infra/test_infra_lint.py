"""cfn-lint and checkov on the synthesized templates (as ``make lint`` runs them).

cfn-lint: no error, and no warning but W3005 (CDK writes a ``DependsOn`` on a role its resource
already reaches through ``Fn::GetAtt``: redundant, harmless, not ours to change). checkov: every
finding is fixed or skipped with a reason in the resource's metadata (``infra_cdk/checkov.py``),
and every skip still matches a finding.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from infra_synth import Synth

BIN = Path(sys.executable).parent
# checkov lives in a venv of its own (`make install`): it pins versions the project's venv must not
# take (see the Makefile).
CHECKOV = Path(__file__).resolve().parents[2] / ".venv-tools" / "checkov" / "bin" / "checkov"
CFN_LINT_ACCEPTED_WARNINGS = {"W3005"}


def templates(synth: Synth) -> list[Path]:
    found = sorted(synth.outdir.glob("*.template.json"))
    assert found, f"no template in {synth.outdir}"
    return found


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed in {BIN}: pip install -e '.[dev]'")
    return str(path)


def cfn_lint(paths: list[Path]) -> list[dict[str, Any]]:
    result = subprocess.run(
        [tool("cfn-lint"), "--format", "json", "--", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def checkov(paths: list[Path]) -> list[dict[str, Any]]:
    if not CHECKOV.exists():
        pytest.fail(f"checkov is not installed at {CHECKOV}: make install")
    command = [str(CHECKOV), "--framework", "cloudformation", "--skip-download", "-o", "json"]
    for path in paths:
        command += ["-f", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    assert result.stdout.strip(), result.stderr
    report = json.loads(result.stdout)
    return report if isinstance(report, list) else [report]


def cfn_lint_problems(
    paths: list[Path], accepted: set[str] = CFN_LINT_ACCEPTED_WARNINGS
) -> list[str]:
    """cfn-lint's errors, and its warnings other than ``accepted``."""
    return [
        f"{m['Rule']['Id']} {m['Level']} {m['Message']}"
        for m in cfn_lint(paths)
        if m["Level"] == "Error" or (m["Level"] == "Warning" and m["Rule"]["Id"] not in accepted)
    ]


def checkov_failures(paths: list[Path]) -> list[str]:
    """checkov's failed checks (neither fixed nor skipped with a reason)."""
    return [
        f"{check['check_id']} {check['resource']}: {check['check_name']}"
        for report in checkov(paths)
        for check in report["results"]["failed_checks"]
    ]


def test_cfn_lint_finds_no_error(synth: Synth) -> None:
    assert cfn_lint_problems(templates(synth)) == []


def test_every_checkov_finding_is_fixed_or_skipped_with_a_reason(synth: Synth) -> None:
    reports = checkov(templates(synth))
    failed = [
        f"{check['check_id']} {check['resource']}: {check['check_name']}"
        for report in reports
        for check in report["results"]["failed_checks"]
    ]
    assert failed == []
    skipped = [check for report in reports for check in report["results"]["skipped_checks"]]
    assert skipped, "expected the reasoned skips of infra_cdk/checkov.py"
    for check in skipped:
        assert len(check["check_result"].get("suppress_comment", "")) > 20, check["check_id"]
    assert sum(report["summary"]["parsing_errors"] for report in reports) == 0


def test_every_checkov_skip_matches_a_finding(synth: Synth, tmp_path: Path) -> None:
    """Without the skips, checkov fails exactly the skipped checks: a skip whose finding went
    away (fixed, or the resource changed) is stale and must go."""
    declared, stripped = set(), []
    for path in templates(synth):
        template = json.loads(path.read_text())
        for name, resource in template["Resources"].items():
            metadata = resource.get("Metadata", {})
            for entry in metadata.pop("checkov", {}).get("skip", []):
                declared.add((name, entry["id"]))
        stripped.append(tmp_path / path.name)
        stripped[-1].write_text(json.dumps(template))
    failed = {
        (check["resource"].split(".", 1)[1], check["check_id"])
        for report in checkov(stripped)
        for check in report["results"]["failed_checks"]
    }
    assert declared == failed
