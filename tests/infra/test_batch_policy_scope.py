"""The batch platform's policy grants what its production code calls and nothing beyond it.

Every (action, resource) pair of the synthesized policy is compared with a fixed list built from
the code's own constants (prefixes and keys), so a new grant, a wider prefix or a stale one fails
here; ``test_batch_policy_enforced.py`` proves the same list is enough by running the code paths
against moto with IAM enforced. Action names are checked against botocore's service models.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from infra_synth import Synth, synthesize

from infra_cdk.components.batch_policy import LakeLayout
from infra_cdk.config import AppConfig
from ticket_platform.evaluation.llm import DEFAULT_BEDROCK_MODEL
from ticket_platform.ingest.layout import EVENTS_PREFIX, TICKETS_PREFIX
from ticket_platform.reports.assets import DASHBOARD_KEY
from ticket_platform.reports.export import PROCESSED_PREFIX
from ticket_platform.routing.artifacts import MODELS_PREFIX
from ticket_platform.routing.feedback import FEEDBACK_PREFIX

BUCKET = "<bucket>"
STAGING = AppConfig().staging_prefix
DOCS = LakeLayout().docs
PROFILE = "us.amazon.nova-pro-v1:0"

# What the code calls, as (IAM action, resource): the whole policy, nothing else.
EXPECTED = {
    # ingest/: the landing sensors and loads of tickets and events; routing/feedback.py.
    ("s3:GetObject", f"{BUCKET}/{TICKETS_PREFIX}/*"),
    ("s3:GetObject", f"{BUCKET}/{EVENTS_PREFIX}/*"),
    ("s3:GetObject", f"{BUCKET}/{FEEDBACK_PREFIX.rstrip('/')}/*"),
    ("s3:ListBucket", BUCKET),  # limited by s3:prefix, below
    # routing/artifacts.py: save, write_file, promote, propose; card, load, current.
    ("s3:GetObject", f"{BUCKET}/{MODELS_PREFIX}/*"),
    ("s3:PutObject", f"{BUCKET}/{MODELS_PREFIX}/*"),
    # reports/export.py, reports/assets.py, transform/docs.py.
    ("s3:PutObject", f"{BUCKET}/{PROCESSED_PREFIX}/*"),
    ("s3:PutObject", f"{BUCKET}/{DASHBOARD_KEY}"),
    ("s3:PutObject", f"{BUCKET}/{DOCS}/*"),
    # warehouse/postgres_engine.py: COPY batches and manifests, deleted after the COPY.
    ("s3:PutObject", f"{BUCKET}/{STAGING}/*"),
    ("s3:DeleteObject", f"{BUCKET}/{STAGING}/*"),
    # README (Pointing the batch platform at it): the warehouse password.
    ("secretsmanager:GetSecretValue", "<secret>"),
    # evaluation/llm.py: ChatBedrockConverse → Converse, authorized as bedrock:InvokeModel.
    (
        "bedrock:InvokeModel",
        f"arn:<AWS::Partition>:bedrock:<AWS::Region>:<AWS::AccountId>:inference-profile/{PROFILE}",
    ),
    (
        "bedrock:InvokeModel",
        "arn:<AWS::Partition>:bedrock:*::foundation-model/amazon.nova-pro-v1:0",
    ),
    # alerts/channels.py: SNS publish to the KMS-encrypted alert topic.
    ("sns:Publish", "<topic>"),
    ("kms:GenerateDataKey", "<key>"),
    ("kms:Decrypt", "<key>"),
}
# Where the code lists (ingest/layout.py, landing_scan.py, routing/feedback.py), and the models'
# prefix, so that reading a model file that does not exist yet is a 404, not a 403.
LISTED_PREFIXES = [
    f"{TICKETS_PREFIX}/*",
    f"{EVENTS_PREFIX}/*",
    f"{FEEDBACK_PREFIX.rstrip('/')}/*",
    f"{MODELS_PREFIX}/*",
]
# The API operations the code calls under each IAM action (botocore names).
OPERATIONS = {
    "s3:GetObject": ("s3", ["GetObject"]),
    "s3:ListBucket": ("s3", ["ListObjectsV2"]),
    # upload_file: PutObject, or CreateMultipartUpload/UploadPart/Complete above 8 MB.
    "s3:PutObject": ("s3", ["PutObject", "CreateMultipartUpload", "UploadPart"]),
    "s3:DeleteObject": ("s3", ["DeleteObjects"]),
    "secretsmanager:GetSecretValue": ("secretsmanager", ["GetSecretValue"]),
    "bedrock:InvokeModel": ("bedrock-runtime", ["Converse"]),
    "sns:Publish": ("sns", ["Publish"]),
    "kms:GenerateDataKey": ("kms", ["GenerateDataKey"]),
    "kms:Decrypt": ("kms", ["Decrypt"]),
}


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def batch_policy(synth: Synth) -> tuple[str, dict[str, Any]]:
    (found,) = [
        (name, resource["Properties"]["PolicyDocument"])
        for name, resource in synth.resources("AWS::IAM::ManagedPolicy").items()
        if name.startswith("WarehouseBatchPlatformPolicy")
    ]
    return found


def rendered(value: Any, names: dict[str, str]) -> str:
    """A resource as text: the stack's own resources by role (``<bucket>``), pseudo parameters
    as ``<AWS::Region>``."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        return "".join(rendered(part, names) for part in value["Fn::Join"][1])
    if "Ref" in value:
        return names.get(value["Ref"], f"<{value['Ref']}>")
    if "Fn::GetAtt" in value:
        return names[".".join(value["Fn::GetAtt"])]
    raise AssertionError(f"unexpected resource {value}")


def role_names(synth: Synth) -> dict[str, str]:
    (bucket,) = [
        name
        for name, bucket in synth.resources("AWS::S3::Bucket").items()
        if "VersioningConfiguration" in bucket["Properties"]
    ]
    (secret, _), (topic, _), (key, _) = (
        synth.one("AWS::SecretsManager::Secret"),
        synth.one("AWS::SNS::Topic"),
        synth.one("AWS::KMS::Key"),
    )
    return {
        f"{bucket}.Arn": BUCKET,
        secret: "<secret>",
        topic: "<topic>",
        f"{key}.Arn": "<key>",
    }


def grants(synth: Synth) -> set[tuple[str, str]]:
    _, document = batch_policy(synth)
    names = role_names(synth)
    return {
        (action, rendered(resource, names))
        for statement in document["Statement"]
        for action in listed(statement["Action"])
        for resource in listed(statement["Resource"])
    }


def test_the_policy_grants_exactly_what_the_code_calls(synth: Synth) -> None:
    found = grants(synth)
    assert found - EXPECTED == set(), "granted but not used by the code"
    assert EXPECTED - found == set(), "used by the code but not granted"


def test_only_allow_statements_with_named_actions_and_resources(synth: Synth) -> None:
    _, document = batch_policy(synth)
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        assert set(statement) <= {"Sid", "Effect", "Action", "Resource", "Condition"}, statement
        assert "*" not in listed(statement["Resource"]), statement["Sid"]
        assert all("*" not in action for action in listed(statement["Action"])), statement["Sid"]
    # The only wildcards in resources: object keys inside a prefix, and the region of the
    # foundation model behind a cross-region inference profile.
    for action, resource in grants(synth):
        if "*" in resource:
            assert resource.endswith("/*") or resource.startswith(
                "arn:<AWS::Partition>:bedrock:*::foundation-model/"
            ), (action, resource)
            assert resource.count("*") == 1, (action, resource)


def test_listing_is_limited_to_the_listed_prefixes(synth: Synth) -> None:
    _, document = batch_policy(synth)
    conditions = [
        statement.get("Condition")
        for statement in document["Statement"]
        if "s3:ListBucket" in listed(statement["Action"])
    ]
    assert conditions == [{"StringLike": {"s3:prefix": LISTED_PREFIXES}}]
    others = [s for s in document["Statement"] if "s3:ListBucket" not in listed(s["Action"])]
    assert all("Condition" not in statement for statement in others)


def test_the_layout_is_the_codes_own() -> None:
    layout = LakeLayout()
    assert layout.tickets == TICKETS_PREFIX and layout.events == EVENTS_PREFIX
    assert f"{layout.feedback}/" == FEEDBACK_PREFIX
    assert layout.models == MODELS_PREFIX and layout.processed == PROCESSED_PREFIX
    assert layout.dashboard_key == DASHBOARD_KEY
    # The judge's default model is the real-time path's default, which the policy is built for.
    assert AppConfig().bedrock_model_id == DEFAULT_BEDROCK_MODEL == PROFILE


@pytest.mark.parametrize("action", sorted({action for action, _ in EXPECTED}))
def test_each_action_names_the_operations_the_code_calls(action: str) -> None:
    """The IAM prefix is the service's signing name and the operations exist (botocore)."""
    service, operations = OPERATIONS[action]
    model = botocore.session.get_session().get_service_model(service)
    assert model.signing_name == action.split(":")[0]
    assert set(operations) <= set(model.operation_names)
    if service == "s3" or action == "bedrock:InvokeModel":
        return
    assert action.split(":")[1] in model.operation_names  # same name as the API operation


def test_converse_is_authorized_as_invoke_model() -> None:
    """There is no bedrock:Converse action: the service model says which one Converse needs."""
    model = botocore.session.get_session().get_service_model("bedrock-runtime")
    assert {"Converse", "InvokeModel"} <= set(model.operation_names)
    for operation in ("Converse", "InvokeModel"):
        documentation = model.operation_model(operation).documentation
        assert re.search(
            r"requires permission for the <code>bedrock:InvokeModel</code> action", documentation
        ), operation
    streaming = model.operation_model("ConverseStream").documentation
    assert "bedrock:InvokeModelWithResponseStream" in streaming  # not used: the judge waits


def test_a_foundation_model_judge_gets_one_regional_arn(tmp_path: Path) -> None:
    """Without an inference profile, the model ARN is exact, in the stack's region."""
    result = synthesize(tmp_path, {"bedrockModelId": "amazon.nova-lite-v1:0"})
    assert result.error is None, result.error
    bedrock = {resource for action, resource in grants(result) if action.startswith("bedrock:")}
    assert bedrock == {
        "arn:<AWS::Partition>:bedrock:<AWS::Region>::foundation-model/amazon.nova-lite-v1:0"
    }
