"""Helpers of the CDK app tests: synthesize the app into temporary folders and read the result."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ALERT_EMAILS = ("oncall@example.com", "support-lead@example.com")
BASE_CONTEXT = {"lambdaDependencies": "skip", "alertEmails": ",".join(ALERT_EMAILS)}


@dataclass(frozen=True)
class Synth:
    """One synthesized app: its stack template and cdk-nag's validation report."""

    template: dict[str, Any]
    report: dict[str, Any]
    error: str | None
    outdir: Path
    build_dir: Path

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        return {
            name: resource
            for name, resource in self.template["Resources"].items()
            if resource["Type"] == kind
        }

    def one(self, kind: str) -> tuple[str, dict[str, Any]]:
        found = self.resources(kind)
        assert len(found) == 1, f"expected one {kind}, found {sorted(found)}"
        return next(iter(found.items()))

    def function(self, name: str) -> tuple[str, dict[str, Any]]:
        """The Lambda function of ``lambdas/<name>`` (found by its handler string)."""
        handler = f"lambdas.{name}.handler.handler"
        for logical_id, resource in self.resources("AWS::Lambda::Function").items():
            if resource["Properties"]["Handler"] == handler:
                return logical_id, resource
        raise AssertionError(f"no function with handler {handler}")

    def role_statements(self, role_id: str) -> list[dict[str, Any]]:
        """Every statement of every policy attached to the role ``role_id``."""
        statements = []
        for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for resource in self.resources(kind).values():
                roles = resource["Properties"].get("Roles", [])
                if {"Ref": role_id} in roles:
                    statements.extend(resource["Properties"]["PolicyDocument"]["Statement"])
        return statements

    def function_statements(self, name: str) -> list[dict[str, Any]]:
        _, function = self.function(name)
        return self.role_statements(function["Properties"]["Role"]["Fn::GetAtt"][0])


def synthesize(
    out: Path, context: dict[str, Any] | None = None, *, stack: str = "TicketPlatform-dev"
) -> Synth:
    """Synthesize the app with ``context`` over ``BASE_CONTEXT`` into ``out``.

    A cdk-nag failure does not raise here: the template is still written, and the report is
    returned for the nag tests to show.
    """
    from infra_cdk.app import build_app

    build_dir = out / "build"
    outdir = out / "cdk.out"
    app = build_app(
        {**BASE_CONTEXT, "lambdaBuildDir": str(build_dir), **(context or {})},
        outdir=str(outdir),
        environ={},
    )
    error = None
    try:
        app.synth()
    except RuntimeError as exc:
        if "ValidationFailed" not in str(exc):
            raise
        error = str(exc)
    return Synth(
        template=json.loads((outdir / f"{stack}.template.json").read_text()),
        report=json.loads((outdir / "validation-report.json").read_text()),
        error=error,
        outdir=outdir,
        build_dir=build_dir,
    )


def violations(report: dict[str, Any]) -> list[str]:
    """cdk-nag findings of a validation report as ``rule at construct path`` lines."""
    return [
        f"{violation['ruleName']} ({violation['severity']}) at {construct['constructPath']}"
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
    ]
