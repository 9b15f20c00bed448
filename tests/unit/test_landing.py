import os

import boto3
import pytest
from moto import mock_aws

from ticket_platform.ingest.landing import (
    LINK_NOT_FOLLOWED,
    LocalLanding,
    RejectedFile,
)
from ticket_platform.ingest.landing_uri import landing_from_uri, parse_landing_uri
from ticket_platform.ingest.s3_landing import S3Landing


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


def test_list_keys_names_regular_files_and_read_listed_gives_what_list_gives(tmp_path):
    """The loader's listing without a stat per file: a regular file is its key, and its read
    brings the same listing (etag, size, time) a ``list`` would have given."""
    landing = LocalLanding(tmp_path)
    landing.write("tickets/2025/08/08/ticket_a.json", b'{"a": 1}')
    landing.write("tickets/2025/08/08/ticket_b.json", b"{}")
    assert sorted(landing.list_keys("tickets/2025/08/08/")) == [
        "tickets/2025/08/08/ticket_a.json",
        "tickets/2025/08/08/ticket_b.json",
    ]
    listed = {o.key: o for o in landing.list("tickets/")}
    for key in listed:
        obj, body = landing.read_listed(key)
        assert obj == listed[key] == landing.stat(key)
        assert body == landing.read(key)


def test_list_keys_looks_up_what_is_not_a_plain_file_and_read_listed_rejects_it(tmp_path):
    landing = LocalLanding(tmp_path)
    landing.write("tickets/2025/08/08/target.json", b"{}")
    day = tmp_path / "tickets/2025/08/08"
    (day / "ticket_link.json").symlink_to(day / "target.json")
    os.mkfifo(day / "ticket_fifo.json")
    items = {getattr(i, "key", i): i for i in landing.list_keys("tickets/")}
    assert items["tickets/2025/08/08/target.json"] == "tickets/2025/08/08/target.json"
    assert items["tickets/2025/08/08/ticket_link.json"].problem == LINK_NOT_FOLLOWED
    assert "FIFO" in items["tickets/2025/08/08/ticket_fifo.json"].problem
    # Replaced by a link or a FIFO after the listing: the read refuses it, with its listing.
    for name, reason in (("ticket_link.json", "symbolic link"), ("ticket_fifo.json", "FIFO")):
        with pytest.raises(RejectedFile, match=reason) as refused:
            landing.read_listed(f"tickets/2025/08/08/{name}")
        assert refused.value.listed == landing.stat(f"tickets/2025/08/08/{name}")
    with pytest.raises(RejectedFile, match="too large") as refused:
        landing.read_listed("tickets/2025/08/08/target.json", max_bytes=1)
    assert refused.value.listed.size == 2
    with pytest.raises(FileNotFoundError):
        landing.read_listed("tickets/2025/08/08/gone.json")


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
