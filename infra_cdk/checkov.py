"""checkov skips, written into the template beside the resource they concern.

checkov reads ``Metadata.checkov.skip`` (a list of ``{"id", "comment"}``) of a CloudFormation
resource; ``skip`` adds one entry with its reason. ``tests/infra/test_infra_lint.py`` runs checkov
on the synthesized templates: any finding neither fixed nor skipped here fails it, and so does a
skip that no longer matches a finding.
"""

from __future__ import annotations

from aws_cdk import CfnResource
from constructs import IConstruct


def skip(construct: IConstruct, check_id: str, reason: str) -> None:
    """Skip checkov's ``check_id`` on ``construct`` (an L2 construct or its CfnResource)."""
    if not reason.strip():
        raise ValueError(f"a checkov skip of {check_id} needs a reason")
    resource = construct if isinstance(construct, CfnResource) else construct.node.default_child
    if not isinstance(resource, CfnResource):
        raise TypeError(f"{construct.node.path} has no CloudFormation resource to annotate")
    current = resource.get_metadata("checkov") or {}
    skips = [entry for entry in current.get("skip", []) if entry["id"] != check_id]
    resource.add_metadata(
        "checkov", {**current, "skip": [*skips, {"id": check_id, "comment": reason}]}
    )
