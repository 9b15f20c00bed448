"""The landing resource's S3 client: enough pooled connections for the read workers."""

from __future__ import annotations

from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.ingest.resources import LandingResource
from ticket_platform.ingest.s3_landing import S3Landing
from ticket_platform.resources import platform_resources
from ticket_platform.settings import get_settings


def test_s3_client_pools_a_connection_per_read_worker():
    landing = LandingResource(
        uri="s3://lake/landing", region_name="us-east-1", max_connections=32
    ).get_landing()
    assert isinstance(landing, S3Landing)
    assert (landing.bucket, landing.prefix) == ("lake", "landing")
    config = landing.client.meta.config
    assert config.max_pool_connections == 32
    assert config.retries["mode"] == "standard"  # the retry policy dagster-aws sets
    assert config.retries["total_max_attempts"] == 6  # max_attempts=5 retries + the first call


def test_the_pool_never_shrinks_below_botocore_default():
    landing = LandingResource(uri="s3://lake", region_name="us-east-1", max_connections=1)
    assert landing.get_landing().client.meta.config.max_pool_connections == 10


def test_platform_resources_size_the_pool_from_the_read_workers(monkeypatch):
    monkeypatch.setenv("TICKET_LANDING_URI", "s3://lake/landing")
    monkeypatch.setenv("TICKET_READ_WORKERS", "48")
    resource = platform_resources(get_settings())["landing"]
    assert resource.max_connections == 48


def test_a_folder_needs_no_client(tmp_path):
    assert isinstance(LandingResource(uri=str(tmp_path)).get_landing(), LocalLanding)
