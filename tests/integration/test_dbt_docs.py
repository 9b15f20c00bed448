"""The dbt docs site: generated from the project, every model and column described, published
to S3 (moto)."""

import boto3
import pytest
from moto import mock_aws

from ticket_platform.settings import get_settings
from ticket_platform.transform.docs import SITE_FILES, coverage, generate_docs, publish_docs
from ticket_platform.transform.project import dbt_cli


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TICKET_DATA_DIR", str(data))
        settings = get_settings()
        return generate_docs(settings, dbt_cli(settings))


def test_the_site_is_written_with_a_page_that_opens_from_disk(site):
    assert {p.name for p in site.folder.iterdir()} >= set(SITE_FILES)
    page = site.static_page.read_text()
    assert "fct_tickets" in page and "<html" in page.lower()


def test_every_model_and_column_is_described(site):
    assert site.models >= 8
    assert site.documented_models == site.models
    assert site.documented_columns == site.columns > 100


def test_coverage_counts_undocumented_models_and_columns():
    manifest = {
        "nodes": {
            "model.a": {
                "resource_type": "model",
                "description": "A",
                "columns": {"x": {"description": "X"}, "y": {"description": ""}},
            },
            "model.b": {"resource_type": "model", "description": "", "columns": {}},
            "test.c": {"resource_type": "test", "description": ""},
        }
    }
    assert coverage(manifest) == (2, 1, 2, 1)


@mock_aws
def test_publish_uploads_the_site_with_content_types(site):
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="docs")
    keys = publish_docs(site, "s3://docs/dbt/", client)
    assert sorted(keys) == sorted(f"dbt/{name}" for name in SITE_FILES)
    head = client.head_object(Bucket="docs", Key="dbt/static_index.html")
    assert head["ContentType"] == "text/html"
    with pytest.raises(ValueError, match="s3://"):
        publish_docs(site, "/not/s3", client)
