"""Warehouse tables exported as Parquet into the lake's processed/ zone, on both engines and S3."""

import io
from datetime import date

import boto3
import pyarrow.parquet as pq
from moto import mock_aws

from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.ingest.s3_landing import S3Landing
from ticket_platform.reports.export import export_key, export_tables


def _make_table(session) -> None:
    session.begin()
    session.execute("create schema if not exists marts")
    session.execute("create table marts.daily (day date, product varchar(64), tickets integer)")
    session.execute(
        "insert into marts.daily values ('2025-08-08', 'Amazon S3', 3), ('2025-08-09', 'EC2', 1)"
    )
    session.execute("create table marts.empty_mart (ticket_id varchar(64))")
    session.commit()


def test_export_key_is_one_prefix_per_table():
    assert export_key("marts.fct_tickets") == "processed/marts/fct_tickets/fct_tickets.parquet"


def test_tables_round_trip_through_parquet(session, tmp_path):
    _make_table(session)
    landing = LocalLanding(tmp_path / "lake")
    exported = export_tables(session, landing, ["marts.daily", "marts.empty_mart"])
    assert [(e.table, e.rows) for e in exported] == [("marts.daily", 2), ("marts.empty_mart", 0)]
    table = pq.read_table(io.BytesIO(landing.read(export_key("marts.daily"))))
    rows = sorted(table.to_pylist(), key=lambda r: r["day"])
    assert rows == [
        {"day": date(2025, 8, 8), "product": "Amazon S3", "tickets": 3},
        {"day": date(2025, 8, 9), "product": "EC2", "tickets": 1},
    ]
    again = export_tables(session, landing, ["marts.daily"])
    assert again[0].rows == 2, "a re-export replaces the file"
    assert len(list(landing.list("processed/marts/daily/"))) == 1


@mock_aws
def test_export_to_s3(session):
    _make_table(session)
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="lake")
    landing = S3Landing(client, "lake", "prod")
    export_tables(session, landing, ["marts.daily"])
    body = client.get_object(Bucket="lake", Key="prod/processed/marts/daily/daily.parquet")["Body"]
    assert pq.read_table(io.BytesIO(body.read())).num_rows == 2
