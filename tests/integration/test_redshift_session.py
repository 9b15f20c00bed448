"""The Redshift half that PostgreSQL cannot run: batches staged in S3 (moto) + manifest COPY."""

import gzip
import json
from datetime import date, datetime

import boto3
import orjson
from helpers.recording_connection import RecordingConnection
from moto import mock_aws

from ticket_platform.contracts import ProcessedTicket, ticket_row
from ticket_platform.ingest import tickets_sql as sql
from ticket_platform.warehouse.postgres_engine import RedshiftSession


@mock_aws
def test_ticket_batch_is_staged_as_gzip_jsonl_with_a_manifest_and_copied(seed_lines):
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="lake")
    connection = RecordingConnection()
    session = RedshiftSession(
        connection,
        s3_client=s3,
        staging_bucket="lake",
        staging_prefix="_staging/tickets",
        iam_role_arn="arn:aws:iam::123456789012:role/redshift-copy",
        region="us-east-1",
    )
    rows = [
        ticket_row(ProcessedTicket.model_validate_json(line))
        | {
            "_source_key": "tickets/2025/08/08/x.json",
            "_source_etag": "e",
            "_partition_date": date(2025, 8, 8),
            "_loaded_at": datetime(2025, 8, 9, 1, 2, 3),
            "_run_id": "r",
        }
        for line in seed_lines[:5]
    ]
    session.fill_batch(sql.TICKETS_BATCH, sql.STAGING_COLUMNS, rows, bulk=True)

    copy = connection.statements[-1]
    assert copy.startswith(f"copy {sql.TICKETS_BATCH}") and "manifest" in copy
    manifest_uri = copy.split("from '")[1].split("'")[0]
    bucket, manifest_key = manifest_uri.removeprefix("s3://").split("/", 1)
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=manifest_key)["Body"].read())
    [entry] = manifest["entries"]
    data_key = entry["url"].removeprefix("s3://lake/")
    body = s3.get_object(Bucket="lake", Key=data_key)["Body"].read()
    assert entry["meta"]["content_length"] == len(body) and entry["mandatory"] is True
    staged = [orjson.loads(line) for line in gzip.decompress(body).splitlines()]
    assert [r["ticket_id"] for r in staged] == [r["ticket_id"] for r in rows]
    assert staged[0]["submitted_at"] == "2025-08-08 20:54:18.524355"
    assert list(staged[0]) == list(sql.STAGING_COLUMNS)

    session.commit()
    assert connection.commits == 1
    assert s3.list_objects_v2(Bucket="lake").get("KeyCount", 0) == 0, "staged batches are removed"


@mock_aws
def test_small_batches_are_inserted_inside_the_transaction(monkeypatch):
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="lake")
    session = RedshiftSession(
        RecordingConnection(),
        s3_client=s3,
        staging_bucket="lake",
        staging_prefix="_staging",
        iam_role_arn="arn",
    )
    inserted = []
    monkeypatch.setattr(
        session,
        "fill_batch_by_insert",
        lambda table, cols, rows: inserted.append((table, len(rows))),
    )
    session.fill_batch(sql.LEDGER_BATCH, sql.LEDGER_COLUMNS, [dict.fromkeys(sql.LEDGER_COLUMNS)])
    assert inserted == [(sql.LEDGER_BATCH, 1)]
    assert s3.list_objects_v2(Bucket="lake").get("KeyCount", 0) == 0
