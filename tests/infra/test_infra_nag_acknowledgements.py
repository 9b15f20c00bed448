"""Every cdk-nag acknowledgement answers a real finding: without them, exactly those findings
appear (a second synthesis, in its own module so xdist runs it beside the others)."""

from __future__ import annotations

import aws_cdk
import pytest
from infra_synth import Synth, synthesize


@pytest.fixture(scope="module")
def unacknowledged(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(aws_cdk.Validations, "acknowledge", lambda self, *rules: None)
        return synthesize(tmp_path_factory.mktemp("unacknowledged"))


def findings(result: Synth) -> set[tuple[str, str]]:
    return {
        (violation["ruleName"], construct["constructPath"])
        for plugin in result.report["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
    }


def test_each_acknowledgement_matches_a_finding(unacknowledged: Synth, synth: Synth) -> None:
    assert unacknowledged.error is not None
    found = {rule for rule, _ in findings(unacknowledged)}
    acknowledged = {
        rule["id"]
        for resource in synth.template["Resources"].values()
        for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    }
    assert acknowledged == found


def test_findings_are_only_on_expected_resources(unacknowledged: Synth) -> None:
    paths = {path.split("/")[1] for _, path in findings(unacknowledged)}
    assert paths <= {
        "Storage",
        "EventArchive",
        "WorkflowDeadLetters",
        "TriggerFailures",
        "RecorderFailures",
        "ResponseGenerator",
        "S3Writer",
        "TriggerSfn",
        "StatusRecorder",
        "Workflow",
        "Warehouse",
    }
