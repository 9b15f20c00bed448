"""The batch platform's production code paths, run against moto with IAM enforced, as a user that
holds exactly the policy the stack synthesizes (``test_batch_policy_moto.py``): a missing
permission is an AccessDenied here.

Each code path runs as the platform runs it (its resources build their own boto3 clients from
the environment's credentials): the landing sensors' listings and the tickets and events loads,
the feedback loader, routing models saved, promoted and loaded, the Parquet export and dashboard
assets, the dbt docs upload, a Redshift COPY batch staged and deleted, the Bedrock judge (on a
botocore Stubber: Bedrock is not in moto, so the model it called is checked against the policy),
an SNS alert (and the KMS key SNS encrypts it with), the warehouse secret.

``test_each_statement_is_needed`` removes each statement in turn and shows a code path failing.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import date
from pathlib import Path

import boto3
import dagster as dg
import orjson
import pytest
from bedrock_stub import StubbedBedrock, converse_response, tool_use
from dagster_aws.s3 import S3Resource
from helpers.recording_connection import RecordingConnection
from helpers.routing_tickets import fixed_tickets
from test_batch_policy_moto import (
    ACCOUNT,
    BUCKET,
    DENIED,
    REGION,
    EnforcedLake,
    _glob,
    enforced_lake,  # noqa: F401 - the harness's fixture, used by lake()
    listed,
    synthesized_policy,
)

from ticket_platform.alerts.alert import Alert
from ticket_platform.alerts.resource import AlertResource
from ticket_platform.contracts import ProcessedTicket
from ticket_platform.evaluation.llm import DEFAULT_BEDROCK_MODEL, bedrock_judge
from ticket_platform.evaluation.rubric import EvaluationItem
from ticket_platform.ingest.events import load_event_partition
from ticket_platform.ingest.landing_scan import list_days
from ticket_platform.ingest.layout import EVENTS_PREFIX, TICKETS_PREFIX, discover_days
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.ingest.tickets import load_partition
from ticket_platform.reports import assets as dashboard_assets
from ticket_platform.reports.assets import DASHBOARD_KEY, build_dashboard_asset
from ticket_platform.reports.dashboard_data import DashboardData
from ticket_platform.reports.export_asset import build_export_asset
from ticket_platform.routing import store as routing_store
from ticket_platform.routing.artifacts import ModelCard, ModelStore
from ticket_platform.routing.dataset import label_tickets
from ticket_platform.routing.feedback import load_feedback
from ticket_platform.routing.model import train
from ticket_platform.routing.teams import known_teams
from ticket_platform.settings import get_settings
from ticket_platform.transform.docs import SITE_FILES, DocsSite, publish_docs
from ticket_platform.warehouse.duckdb_engine import duckdb_session
from ticket_platform.warehouse.postgres_engine import RedshiftSession
from ticket_platform.warehouse.resource import DuckDBWarehouse

STAGING = "redshift-staging"  # AppConfig's default staging prefix
DOCS = "dbt-docs"  # LakeLayout's docs prefix: TICKET_DOCS_URI=s3://<bucket>/dbt-docs
DAY = date(2025, 8, 8)
# The regions the US Nova Pro inference profile routes to: its model ARN in each must be allowed.
PROFILE_REGIONS = ("us-east-1", "us-east-2", "us-west-2")


@pytest.fixture
def lake(request: pytest.FixtureRequest) -> EnforcedLake:
    """The harness's lake (its fixture is imported above)."""
    return request.getfixturevalue("enforced_lake")


@pytest.fixture(scope="module")
def trained_model():
    return train(label_tickets(fixed_tickets(), {}), holdout_share=0.25)


def landing_resource() -> LandingResource:
    return LandingResource(uri=f"s3://{BUCKET}", region_name=REGION, max_connections=4)


def seed(lake: EnforcedLake, seed_lines: list[bytes]) -> None:
    """What the real-time path and analysts put in the bucket (as the admin)."""
    s3 = boto3.client("s3", region_name=REGION)
    for line in seed_lines[:5]:
        key = ProcessedTicket.model_validate_json(line).lake_key()
        s3.put_object(Bucket=BUCKET, Key=key, Body=line)
    event = {
        "eventName": "TicketAssigned",
        "eventId": "TKT-1:TicketAssigned:1",
        "ticketId": "TKT-1",
        "occurredAt": "2025-08-08T10:00:00Z",
        "source": "helpdesk",
        "data": {"agent": "Ada", "team": "networking"},
    }
    s3.put_object(
        Bucket=BUCKET,
        Key=f"{EVENTS_PREFIX}/2025/08/08/ticket-events-1.jsonl.gz",
        Body=gzip.compress(orjson.dumps(event) + b"\n", mtime=0),
    )
    ticket_id = ProcessedTicket.model_validate_json(seed_lines[0]).ticket_id
    team = sorted(known_teams())[0]
    s3.put_object(
        Bucket=BUCKET,
        Key="feedback/2025-08-09.csv",
        Body=(
            "ticket_id,correct_team,corrected_by,corrected_at\n"
            f"{ticket_id},{team},lead@example.com,2025-08-09T09:00:00Z\n"
        ).encode(),
    )


# ---- the code paths -------------------------------------------------------------------------


def run_ingest(lake: EnforcedLake, tmp_path: Path) -> None:
    """The landing sensors' listings and the tickets and events loads (ingest/)."""
    landing = landing_resource().get_landing()
    for prefix in (TICKETS_PREFIX, EVENTS_PREFIX):
        assert list_days(landing, [DAY], prefix=prefix)[DAY], prefix
        assert discover_days(landing, prefix) == ([DAY], [])
    with duckdb_session(tmp_path / "warehouse.duckdb") as session:
        tickets = load_partition(landing, session, DAY, run_id="r1")
        assert not tickets.errors, tickets.errors  # a read error is reported, not raised
        assert tickets.files_loaded == 5
        events = load_event_partition(landing, session, DAY, run_id="r1")
        assert not events.errors, events.errors
        assert events.files_loaded == 1


def run_feedback(lake: EnforcedLake, tmp_path: Path) -> None:
    """The routing feedback loader (routing/feedback.py, as feedback_assets.py calls it)."""
    landing = landing_resource().get_landing()
    with duckdb_session(tmp_path / "warehouse.duckdb") as session:
        routing_store.ensure_routing_tables(session)
        report = load_feedback(landing, session, known_teams(), run_id="r1")
    assert not report.errors, report.errors
    assert (report.files_loaded, report.rows_loaded) == (1, 1)


def run_routing_models(lake: EnforcedLake, trained) -> None:
    """Save, promote and load a routing model (routing/artifacts.py), starting from none."""
    store = ModelStore(landing_resource().get_landing())
    assert store.current_version() is None  # current.json does not exist yet: a 404
    card = store.save(
        trained.model,
        ModelCard(
            version="",
            estimator=trained.estimator,
            trained_at="2025-08-09T00:00:00+00:00",
            trained_through=None,
            training_rows=trained.training_rows,
            corrections_used=0,
            feedback_through=None,
            teams=list(trained.model.classes_),
            holdout=trained.scores.as_dict(),
            estimators={},
        ),
    )
    store.write_file(card.version, "confusion_matrix.png", b"\x89PNG")
    store.propose(card.version, approved=True, reason="first model")
    store.promote(store.approved_candidate()["version"], "first model")
    _, loaded = ModelStore(landing_resource().get_landing()).current()
    assert loaded.version == card.version


def run_export(lake: EnforcedLake, tmp_path: Path) -> None:
    """The Parquet export asset (reports/export_asset.py) of a table in the warehouse."""
    database = tmp_path / "export.duckdb"
    with duckdb_session(database) as session:
        session.execute("create schema marts")
        session.execute("create table marts.daily_ticket_volume as select 1 as ticket_count")
    asset = build_export_asset(
        get_settings(), {dg.AssetKey(["marts", "daily_ticket_volume"]): "marts.daily_ticket_volume"}
    )
    result = dg.materialize(
        [asset],
        resources={
            "landing": landing_resource(),
            "warehouse": DuckDBWarehouse(database=str(database)),
        },
    )
    assert result.success
    assert lake.keys("processed/") == [
        "processed/marts/daily_ticket_volume/daily_ticket_volume.parquet"
    ]


def run_dashboard(lake: EnforcedLake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dashboard asset (reports/assets.py); the marts it reads are not AWS, so empty."""
    monkeypatch.setattr(dashboard_assets, "load_dashboard_data", lambda session: DashboardData())
    result = dg.materialize(
        [build_dashboard_asset(get_settings())],
        resources={
            "landing": landing_resource(),
            "warehouse": DuckDBWarehouse(database=str(tmp_path / "dashboard.duckdb")),
        },
    )
    assert result.success
    assert lake.keys("reports/") == [DASHBOARD_KEY]


def run_docs_upload(lake: EnforcedLake, tmp_path: Path) -> None:
    """publish_docs (transform/docs.py) with the client the docs asset makes; static_index.html
    above 8 MB goes up in parts (CreateMultipartUpload, UploadPart, Complete)."""
    folder = tmp_path / "site"
    folder.mkdir()
    for name in SITE_FILES:
        size = 9 * 1024 * 1024 if name == "static_index.html" else 100
        (folder / name).write_bytes(b"x" * size)
    site = DocsSite(folder, 0, 0, 0, 0)
    keys = publish_docs(site, f"s3://{BUCKET}/{DOCS}", boto3.client("s3", region_name=REGION))
    assert lake.keys(f"{DOCS}/") == sorted(keys) and len(keys) == len(SITE_FILES)


def run_staging(lake: EnforcedLake) -> None:
    """A bulk batch staged for COPY and removed after the commit (warehouse/postgres_engine.py),
    with the client RedshiftWarehouse.session() makes."""
    connection = RecordingConnection()
    session = RedshiftSession(
        connection,
        s3_client=S3Resource(region_name=REGION).get_client(),
        staging_bucket=BUCKET,
        staging_prefix=STAGING,
        iam_role_arn=f"arn:aws:iam::{ACCOUNT}:role/copy",
        region=REGION,
    )
    session.fill_batch("raw.tickets_batch", ["ticket_id"], [{"ticket_id": "TKT-1"}], bulk=True)
    staged = list(session.staged_keys)
    assert lake.keys(f"{STAGING}/") == sorted(staged) and len(staged) == 2
    assert "copy raw.tickets_batch" in connection.statements[-1]
    session.commit()
    assert lake.keys(f"{STAGING}/") == [], "the staged batch was not deleted"


def run_judge(lake: EnforcedLake) -> None:
    """The Bedrock judge (evaluation/llm.py) on a Stubber; the model it called must be allowed."""
    bedrock = StubbedBedrock(REGION)
    verdict = {
        "contextual_relevance": {"reasoning": "Names Lambda.", "passed": True},
        "technical_accuracy": {"reasoning": "Right setting.", "passed": True},
        "professional_tone": {"reasoning": "Polite.", "passed": True},
        "actionable_guidance": {"reasoning": "Steps given.", "passed": True},
        "steering_attempt": False,
    }
    bedrock.stubber.add_response("converse", converse_response(tool_use(verdict, "Verdict")))
    item = EvaluationItem(
        ticket_id="TKT-1",
        subject="Lambda timeouts",
        description="Our function times out.",
        product="AWS Lambda",
        issue_type="Timeout",
        response_text="Raise the timeout in the console.",
        priority="HIGH",
    )
    with bedrock.stubber:
        bedrock_judge(client=bedrock.client).judge(item)
    (request,) = bedrock.requests
    model_id = request["modelId"]
    assert model_id == DEFAULT_BEDROCK_MODEL
    profile = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/{model_id}"
    model = model_id.split(".", 1)[1]
    targets = [profile] + [
        f"arn:aws:bedrock:{r}::foundation-model/{model}" for r in PROFILE_REGIONS
    ]
    refused = [arn for arn in targets if not lake.allows("bedrock:InvokeModel", arn)]
    assert not refused, f"AccessDenied: bedrock:InvokeModel on {refused}"


def run_alert(lake: EnforcedLake, tmp_path: Path) -> None:
    """An alert published to the KMS-encrypted topic by the alert resource's SNS channel."""
    alerts = AlertResource(sns_topic_arn=lake.topic_arn, log_path=str(tmp_path / "alerts.jsonl"))
    (channel,) = alerts.channels()
    channel.send(
        Alert(
            kind="check_failure",
            severity="error",
            title="raw/tickets quarantine rate",
            reason="12% of rows quarantined",
            dedupe_key="check:raw/tickets:2025-08-08",
        )
    )
    # SNS encrypts with the topic's key on the publisher's behalf (AWS SNS SSE).
    for action in ("kms:GenerateDataKey", "kms:Decrypt"):
        assert lake.allows(action, lake.key_arn), f"AccessDenied: {action} on the alert key"


def read_secret(lake: EnforcedLake) -> None:
    """README: the password read from the warehouse secret with the platform's role."""
    secrets = boto3.client("secretsmanager", region_name=REGION)
    assert secrets.get_secret_value(SecretId=lake.secret_arn)["SecretString"] == "{}"


def run_all(lake, tmp_path, monkeypatch, trained) -> None:
    run_ingest(lake, tmp_path)
    run_feedback(lake, tmp_path)
    run_routing_models(lake, trained)
    run_export(lake, tmp_path)
    run_dashboard(lake, tmp_path, monkeypatch)
    run_docs_upload(lake, tmp_path)
    run_staging(lake)
    run_judge(lake)
    run_alert(lake, tmp_path)
    read_secret(lake)


# ---- the tests ------------------------------------------------------------------------------


def test_every_code_path_runs_with_exactly_the_synthesized_policy(
    lake, tmp_path, monkeypatch, seed_lines, trained_model
):
    seed(lake, seed_lines)
    with lake.as_platform():
        run_all(lake, tmp_path, monkeypatch, trained_model)
    # ...and every S3 grant was used: each (action, resource) of the policy by some request.
    for statement in lake.document["Statement"]:
        for action in listed(statement["Action"]):
            if not action.startswith("s3:"):
                continue
            for pattern in listed(statement["Resource"]):
                assert any(
                    checked == action and _glob(pattern, resource)
                    for checked, resource in lake.checked
                ), f"{statement['Sid']}: {action} on {pattern} was never used"


# Each statement and a code path that fails without it.
NEEDED_BY: dict[str, Callable[..., None]] = {
    "ReadLandedFiles": lambda lake, tmp, mp, trained: run_ingest(lake, tmp),
    "ListLandedPrefixes": lambda lake, tmp, mp, trained: run_feedback(lake, tmp),
    "RoutingModels": lambda lake, tmp, mp, trained: run_routing_models(lake, trained),
    "WriteProcessedExports": lambda lake, tmp, mp, trained: run_export(lake, tmp),
    "WriteDashboard": lambda lake, tmp, mp, trained: run_dashboard(lake, tmp, mp),
    "PublishDocs": lambda lake, tmp, mp, trained: run_docs_upload(lake, tmp),
    "StageCopyBatches": lambda lake, tmp, mp, trained: run_staging(lake),
    "WarehouseCredentials": lambda lake, tmp, mp, trained: read_secret(lake),
    "InvokeJudgeModel": lambda lake, tmp, mp, trained: run_judge(lake),
    "PublishAlerts": lambda lake, tmp, mp, trained: run_alert(lake, tmp),
}


def test_every_statement_has_a_code_path(synth):
    document, _ = synthesized_policy(synth)
    sids = {statement["Sid"] for statement in document["Statement"]}
    assert sids == set(NEEDED_BY) | {"EncryptAlerts"}


@pytest.mark.parametrize("sid", [*NEEDED_BY, "EncryptAlerts"])
def test_each_statement_is_needed(sid, lake, tmp_path, monkeypatch, seed_lines, trained_model):
    """Without the statement, its code path fails with AccessDenied (the test can fail)."""
    seed(lake, seed_lines)
    lake.grant(without=sid)
    path = NEEDED_BY.get(sid, lambda lake, tmp, mp, trained: run_alert(lake, tmp))
    with lake.as_platform(), pytest.raises(Exception) as failure:
        path(lake, tmp_path, monkeypatch, trained_model)
    assert DENIED.search(_described(failure.value)), _described(failure.value)


def test_a_batch_that_cannot_be_deleted_is_left_behind_and_named(lake, caplog):
    """DeleteObjects reports refused keys in its answer: without s3:DeleteObject a load still
    succeeds, leaves its batch behind (the staging lifecycle rule expires it) and logs each key
    it could not delete. The test sees the keys left over and the warnings."""
    statement = next(
        s for s in lake.template_document["Statement"] if s["Sid"] == "StageCopyBatches"
    )
    statement["Action"] = ["s3:PutObject"]
    lake.grant()
    with (
        caplog.at_level("WARNING", logger="ticket_platform.warehouse.postgres_engine"),
        lake.as_platform(),
        pytest.raises(AssertionError, match="not deleted"),
    ):
        run_staging(lake)
    refused = [r.getMessage() for r in caplog.records if "not deleted" in r.getMessage()]
    assert refused and all("AccessDenied" in message for message in refused), refused


def test_listing_models_prefix_is_what_makes_a_missing_model_a_404(lake):
    """Without ``models/routing/*`` among the listed prefixes, the first training run (no
    current.json yet) gets AccessDenied instead of 'no model yet'."""
    statement = next(
        s for s in lake.template_document["Statement"] if s["Sid"] == "ListLandedPrefixes"
    )
    prefixes = statement["Condition"]["StringLike"]["s3:prefix"]
    statement["Condition"]["StringLike"]["s3:prefix"] = [
        p for p in prefixes if not p.startswith("models/")
    ]
    lake.grant()
    with lake.as_platform(), pytest.raises(Exception, match=DENIED):
        ModelStore(landing_resource().get_landing()).current_version()


def _described(error: BaseException) -> str:
    """The error with what caused it (a Dagster failure wraps the AccessDenied)."""
    parts = [f"{type(error).__name__}: {error}"]
    cause = error.__cause__ or error.__context__
    while cause is not None and len(parts) < 10:
        parts.append(f"{type(cause).__name__}: {cause}")
        cause = cause.__cause__ or cause.__context__
    return "\n".join(parts)
