import boto3
import pytest
from moto import mock_aws

from ticket_platform.ingest.landing import (
    LocalLanding,
    S3Landing,
    landing_from_uri,
    parse_landing_uri,
)


def test_local_landing_lists_by_prefix_and_skips_temp_files(tmp_path):
    landing = LocalLanding(tmp_path)
    landing.write("tickets/2025/08/08/ticket_a.json", b"{}")
    landing.write("tickets/2025/08/09/ticket_b.json", b"{}")
    (tmp_path / "tickets/2025/08/08/.ticket_c.json.tmp").write_bytes(b"partial")
    keys = [o.key for o in landing.list("tickets/2025/08/08/")]
    assert keys == ["tickets/2025/08/08/ticket_a.json"]
    assert len(list(landing.list("tickets/"))) == 2
    assert list(landing.list("tickets/2030/")) == []


def test_local_etag_changes_when_a_file_is_rewritten(tmp_path):
    landing = LocalLanding(tmp_path)
    landing.write("tickets/2025/08/08/t.json", b"{}")
    before = next(iter(landing.list("tickets/"))).etag
    landing.write("tickets/2025/08/08/t.json", b'{"changed": true}')
    assert next(iter(landing.list("tickets/"))).etag != before


def test_local_landing_refuses_keys_that_escape_its_root(tmp_path):
    with pytest.raises(ValueError, match="escapes"):
        LocalLanding(tmp_path / "root").read("../outside.json")


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("s3://bucket/some/prefix/", ("s3", "bucket", "some/prefix")),
        ("s3://bucket", ("s3", "bucket", "")),
        ("/data/landing", ("local", "/data/landing", "")),
        ("file:///data/landing", ("local", "/data/landing", "")),
    ],
)
def test_parse_landing_uri(uri, expected):
    assert parse_landing_uri(uri) == expected


def test_unsupported_uri_is_a_clear_error():
    with pytest.raises(ValueError, match="unsupported landing URI"):
        parse_landing_uri("gs://bucket/x")


@mock_aws
def test_s3_landing_paginates_past_1000_keys_and_strips_its_prefix():
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="lake")
    landing = landing_from_uri("s3://lake/prod", s3_client=client)
    assert isinstance(landing, S3Landing)
    for i in range(1_205):
        landing.write(f"tickets/2025/08/08/ticket_{i:05d}.json", b"{}")
    landing.write("tickets/2025/08/09/ticket_other.json", b"{}")
    listed = list(landing.list("tickets/2025/08/08/"))
    assert len(listed) == 1_205
    assert listed[0].key == "tickets/2025/08/08/ticket_00000.json"
    assert all(o.etag and o.size == 2 for o in listed)
    assert landing.read(listed[-1].key) == b"{}"
    assert client.head_object(Bucket="lake", Key="prod/tickets/2025/08/09/ticket_other.json")
