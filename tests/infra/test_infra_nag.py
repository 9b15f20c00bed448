"""cdk-nag AwsSolutions: no finding left unacknowledged, and every acknowledgement explained."""

from __future__ import annotations

from infra_synth import Synth, violations


def test_no_unacknowledged_errors_or_warnings(synth: Synth) -> None:
    assert synth.error is None, "\n".join(violations(synth.report))
    assert violations(synth.report) == []
    assert [plugin["pluginName"] for plugin in synth.report["pluginReports"]] in (
        [],
        ["AwsSolutions"],
    )


def test_acknowledgements_are_recorded_in_the_template_with_reasons(synth: Synth) -> None:
    acknowledged = {
        (name, rule["id"]): rule["reason"]
        for name, resource in synth.template["Resources"].items()
        for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    }
    rules = {rule for _, rule in acknowledged}
    assert {
        "AwsSolutions-L1",
        "AwsSolutions-SQS3",
        "AwsSolutions-KDF1",
        "AwsSolutions-SMG4",
        "AwsSolutions-IAM5[Resource::*]",
    } <= rules
    for (name, rule), reason in acknowledged.items():
        assert len(reason) >= 40, (name, rule, reason)


def test_no_blanket_acknowledgements(synth: Synth) -> None:
    """IAM5 is acknowledged finding by finding, never for a whole resource or the stack."""
    for resource in synth.template["Resources"].values():
        for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", []):
            assert rule["id"] != "AwsSolutions-IAM5"
