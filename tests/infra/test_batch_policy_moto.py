"""moto with IAM enforced as AWS enforces it, for the batch platform's policy: the harness of
``test_batch_policy_enforced.py`` (a user holding exactly the synthesized policy), and the tests
that it refuses what the policy does not grant.

moto checks the signature, the action and the resource of every S3, SNS and Secrets Manager call
(``enable_iam_authentication``). Where moto's model of IAM stops short of AWS's, the harness fills
in what AWS does (``EnforcedLake.install``), so the check is not weaker than AWS's:

- S3 action names: moto names some checks after the API operation (``ListObjectsV2``,
  ``CreateMultipartUpload``); AWS checks ``s3:ListBucket`` and ``s3:PutObject`` for them;
- conditions: moto evaluates only ``StringEquals``; ``s3:ListBucket`` is checked here against the
  request's ``s3:prefix`` (the policy's ``StringLike``);
- ``DeleteObjects``: AWS authorizes ``s3:DeleteObject`` per key, moto on the bucket;
- reading a key that does not exist: AWS answers 403, not 404, unless the caller may list; this
  harness assumes the listing is evaluated with ``s3:prefix`` = the key (a real account must
  confirm it, README);
- SNS and Secrets Manager: moto matches the policy against resource ``*``; here, the topic and
  the secret named in the request.

What moto does not model at all (SNS encryption with the topic's KMS key, Bedrock) is checked by
the code paths with ``EnforcedLake.allows``, the same evaluator.
"""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from infra_synth import Synth
from moto import mock_aws
from moto.core import enable_iam_authentication
from moto.iam.access_control import S3IAMRequest
from moto.s3.models import s3_backends
from moto.secretsmanager.responses import SecretsManagerResponse
from moto.sns.responses import SNSResponse

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
BUCKET = "ticket-platform-lake"

# moto's name of an S3 check (some are API operations) → the IAM action AWS checks for it.
S3_ACTIONS = {
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:ListObjects": "s3:ListBucket",
    "s3:HeadObject": "s3:GetObject",
    "s3:CreateMultipartUpload": "s3:PutObject",
    "s3:UploadPart": "s3:PutObject",
    "s3:CompleteMultipartUpload": "s3:PutObject",
    "s3:DeleteObjects": "s3:DeleteObject",
}
DENIED = re.compile(r"AccessDenied|Access Denied|not authorized|AuthorizationError")


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _glob(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def allows(document: dict, action: str, resource: str, context: dict[str, str]) -> bool:
    """IAM's evaluation of one identity policy for one request, with conditions on ``context``
    (the keys a request carries); a condition operator the test does not model fails closed."""
    allowed = False
    for statement in listed(document["Statement"]):
        if not any(_glob(a, action, ignore_case=True) for a in listed(statement["Action"])):
            continue
        if not any(_glob(r, resource) for r in listed(statement["Resource"])):
            continue
        if not _conditions_hold(statement.get("Condition", {}), context):
            continue
        if statement["Effect"] == "Deny":
            return False
        allowed = True
    return allowed


def _conditions_hold(conditions: dict, context: dict[str, str]) -> bool:
    for operator, keys in conditions.items():
        for key, expected in keys.items():
            if key not in context:
                return False
            if operator == "StringLike":
                ok = any(_glob(p, context[key]) for p in listed(expected))
            elif operator == "StringEquals":
                ok = context[key] in listed(expected)
            else:
                return False
            if not ok:
                return False
    return True


def resolve(value: Any, refs: dict[str, str]) -> Any:
    """CloudFormation intrinsics of the synthesized document, with the moto resources' values."""
    if isinstance(value, list):
        return [resolve(v, refs) for v in value]
    if not isinstance(value, dict):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(resolve(part, refs) for part in parts)
    if "Ref" in value:
        return refs[value["Ref"]]
    if "Fn::GetAtt" in value:
        return refs[".".join(value["Fn::GetAtt"])]
    return {key: resolve(v, refs) for key, v in value.items()}


def synthesized_policy(synth: Synth) -> tuple[dict, dict[str, str]]:
    """The batch policy's document and the logical ids of what it names, by role."""
    (document,) = [
        resource["Properties"]["PolicyDocument"]
        for name, resource in synth.resources("AWS::IAM::ManagedPolicy").items()
        if name.startswith("WarehouseBatchPlatformPolicy")
    ]
    (bucket,) = [
        name
        for name, bucket in synth.resources("AWS::S3::Bucket").items()
        if "VersioningConfiguration" in bucket["Properties"]
    ]
    ids = {
        "bucket": f"{bucket}.Arn",
        "secret": synth.one("AWS::SecretsManager::Secret")[0],
        "topic": synth.one("AWS::SNS::Topic")[0],
        "key": f"{synth.one('AWS::KMS::Key')[0]}.Arn",
    }
    return document, ids


@dataclass
class EnforcedLake:
    """moto with the lake's resources, and a user holding ``document`` (resolved)."""

    template_document: dict
    ids: dict[str, str]
    monkeypatch: pytest.MonkeyPatch
    topic_arn: str = ""
    key_arn: str = ""
    secret_arn: str = ""
    document: dict = field(default_factory=dict)
    checked: list[tuple[str, str]] = field(default_factory=list)  # S3 (action, resource)
    _user_keys: dict[str, str] = field(default_factory=dict)

    def create(self) -> None:
        kms = boto3.client("kms", region_name=REGION)
        self.key_arn = kms.create_key(Description="alerts")["KeyMetadata"]["Arn"]
        sns = boto3.client("sns", region_name=REGION)
        self.topic_arn = sns.create_topic(
            Name="alerts", Attributes={"KmsMasterKeyId": self.key_arn}
        )["TopicArn"]
        secrets = boto3.client("secretsmanager", region_name=REGION)
        self.secret_arn = secrets.create_secret(Name="warehouse", SecretString="{}")["ARN"]
        boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
        iam = boto3.client("iam", region_name=REGION)
        iam.create_user(UserName="batch-platform")
        key = iam.create_access_key(UserName="batch-platform")["AccessKey"]
        self._user_keys = {
            "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
        }
        self.grant()

    def grant(self, without: str | None = None) -> None:
        """Give the user the synthesized policy, less the statement ``without`` (a Sid)."""
        refs = {
            self.ids["bucket"]: f"arn:aws:s3:::{BUCKET}",
            self.ids["secret"]: self.secret_arn,
            self.ids["topic"]: self.topic_arn,
            self.ids["key"]: self.key_arn,
            "AWS::Partition": "aws",
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
        }
        document = resolve(copy.deepcopy(self.template_document), refs)
        document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != without]
        self.document = document
        boto3.client("iam", region_name=REGION).put_user_policy(
            UserName="batch-platform",
            PolicyName="BatchPlatformPolicy",
            PolicyDocument=json.dumps(document),
        )

    def allows(self, action: str, resource: str, context: dict[str, str] | None = None) -> bool:
        return allows(self.document, action, resource, context or {})

    @contextmanager
    def as_platform(self) -> Iterator[None]:
        """The batch platform's credentials, with every call checked against its policy."""
        with self.monkeypatch.context() as patch:
            for name, value in self._user_keys.items():
                patch.setenv(name, value)
            # boto3's default session keeps the credentials it first found: start afresh, as
            # the platform's process does.
            patch.setattr(boto3, "DEFAULT_SESSION", None)
            with enable_iam_authentication():
                yield

    def install(self) -> None:
        """Where moto's IAM stops short of AWS's (see the module docstring)."""
        original = S3IAMRequest.check_action_permitted
        lake = self

        def check(request: S3IAMRequest, resource: str) -> None:
            # moto names some S3 checks after the API operation; IAM knows them as ListBucket.
            action = request._action = S3_ACTIONS.get(request._action, request._action)
            bucket_arn, _, key = resource.partition("/")
            if action == "s3:DeleteObject" and not key:
                for name in _deleted_keys(request._body):
                    lake.checked.append((action, f"{bucket_arn}/{name}"))
                    original(request, f"{bucket_arn}/{name}")
                return
            lake.checked.append((action, resource))
            original(request, resource)
            if action == "s3:ListBucket":
                query = parse_qs(urlsplit(request._path).query, keep_blank_values=True)
                context = {"s3:prefix": query["prefix"][0]} if "prefix" in query else {}
                if not lake.allows(action, resource, context):
                    request._raise_access_denied()
            if action == "s3:GetObject" and key:
                bucket_name = bucket_arn.split(":::")[1]
                backend = s3_backends[request.account_id]["aws"]
                missing = backend.get_object(bucket_name, key) is None
                if missing and not lake.allows("s3:ListBucket", bucket_arn, {"s3:prefix": key}):
                    request._raise_access_denied()

        self.monkeypatch.setattr(S3IAMRequest, "check_action_permitted", check)
        self.monkeypatch.setattr(
            SNSResponse,
            "_determine_resource",
            lambda response: response._get_param("TopicArn") or "*",
            raising=False,
        )
        self.monkeypatch.setattr(
            SecretsManagerResponse,
            "_determine_resource",
            lambda response: response._get_param("SecretId") or "*",
            raising=False,
        )

    def keys(self, prefix: str) -> list[str]:
        """Keys under ``prefix``, read with moto's own (admin) view."""
        bucket = s3_backends[ACCOUNT]["aws"].get_bucket(BUCKET)
        return sorted(name for name in bucket.keys if name.startswith(prefix))


def _deleted_keys(body: bytes) -> list[str]:
    root = ET.fromstring(body)
    return [element.text or "" for element in root.iter() if element.tag.endswith("Key")]


@pytest.fixture
def enforced_lake(
    synth: Synth, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[EnforcedLake]:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "admin")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "admin")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    # What get_settings() needs in prod (the export asset's pool and kinds read it).
    monkeypatch.setenv("TICKET_PLATFORM_ENV", "prod")
    monkeypatch.setenv("TICKET_LANDING_URI", f"s3://{BUCKET}")
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path / "data"))
    document, ids = synthesized_policy(synth)
    document = copy.deepcopy(document)  # the synthesis is shared by the session
    with mock_aws(config={"iam": {"load_aws_managed_policies": False}}):
        enforced = EnforcedLake(document, ids, monkeypatch)
        enforced.create()
        enforced.install()
        yield enforced


def test_the_evaluator_reads_string_like_prefixes() -> None:
    document = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": "arn:aws:s3:::b",
                "Condition": {"StringLike": {"s3:prefix": ["tickets/*"]}},
            }
        ]
    }
    assert allows(document, "s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": "tickets/"})
    assert allows(document, "S3:listbucket", "arn:aws:s3:::b", {"s3:prefix": "tickets/2025/"})
    assert not allows(document, "s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": "ticketsx/"})
    assert not allows(document, "s3:ListBucket", "arn:aws:s3:::b", {})  # no prefix: refused
    assert not allows(document, "s3:ListBucket", "arn:aws:s3:::other", {"s3:prefix": "tickets/"})
    # An operator the evaluator does not model fails closed.
    ip = {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
    unknown = {"Statement": [{**document["Statement"][0], "Condition": ip}]}
    context = {"s3:prefix": "tickets/", "aws:SourceIp": "10.0.0.1"}
    assert not allows(unknown, "s3:ListBucket", "arn:aws:s3:::b", context)


def test_iam_is_enforced_for_anything_else(enforced_lake: EnforcedLake) -> None:
    lake = enforced_lake
    """The user is checked: what the policy does not grant is refused."""
    ticket_key = "tickets/2025/08/08/ticket_TKT-1.json"
    boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key=ticket_key, Body=b"{}")
    with lake.as_platform():
        s3 = boto3.client("s3", region_name=REGION)
        s3.get_object(Bucket=BUCKET, Key=ticket_key)  # granted
        for call in (
            lambda: s3.put_object(Bucket=BUCKET, Key=ticket_key, Body=b"{}"),  # read-only prefix
            lambda: s3.delete_object(Bucket=BUCKET, Key=ticket_key),
            lambda: s3.get_object(Bucket=BUCKET, Key="redshift-staging/x/manifest.json"),
            lambda: s3.list_objects_v2(Bucket=BUCKET),  # no prefix
            lambda: s3.list_objects_v2(Bucket=BUCKET, Prefix="redshift-staging/"),
            lambda: s3.put_object(Bucket=BUCKET, Key="reports/other.html", Body=b""),
            lambda: s3.delete_objects(  # per key: refused keys come back as errors
                Bucket=BUCKET, Delete={"Objects": [{"Key": ticket_key}]}
            )["Errors"][0]["Code"],
            lambda: boto3.client("sns", region_name=REGION).create_topic(Name="other"),
            lambda: boto3.client("iam", region_name=REGION).list_users(),
        ):
            try:
                outcome = call()
            except Exception as error:
                outcome = str(error)
            assert DENIED.search(str(outcome)), outcome
        assert s3.list_objects_v2(Bucket=BUCKET, Prefix="tickets/")["KeyCount"] == 1
