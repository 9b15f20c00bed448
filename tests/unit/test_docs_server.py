"""The docs server behind the batch stack's login: serves exactly the published site files from
S3 (moto) or a folder, revalidates with S3, gzips, and explains an unpublished site."""

from __future__ import annotations

import gzip
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from ticket_platform.transform.docs import SITE_FILES, DocsSite, publish_docs
from ticket_platform.transform.docs_server import (
    FolderDocsSource,
    S3DocsSource,
    docs_server,
    resolve_path,
)

INDEX = b"<html><script>fetch('manifest.json')</script>dbt docs</html>"


def write_site(folder: Path, index: bytes = INDEX) -> DocsSite:
    folder.mkdir(parents=True, exist_ok=True)
    for name in SITE_FILES:
        (folder / name).write_bytes(index if name.endswith("html") else b'{"nodes": {}}' * 500)
    return DocsSite(folder, 0, 0, 0, 0)


@contextmanager
def serving(source, base_path: str = "/docs") -> Iterator[str]:
    server = docs_server(source, port=0, base_path=base_path)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/docs", ""),
        ("/docs/", "index.html"),
        ("/docs/?x=1#/overview", "index.html"),
        ("/docs/manifest.json", "manifest.json"),
        ("/docs/catalog.json?cb=3", "catalog.json"),
        ("/docs/../secrets.json", None),
        ("/docs/tickets/2025/01/01/ticket_1.json", None),
        ("/docsx/index.html", None),
        ("/index.html", None),
    ],
)
def test_only_the_site_files_under_the_base_path_resolve(path: str, expected: str | None) -> None:
    assert resolve_path(path, "/docs") == expected


def test_a_root_base_path_serves_the_site_at_the_root() -> None:
    assert resolve_path("/", "/") == "index.html"
    assert resolve_path("/catalog.json", "/") == "catalog.json"
    assert resolve_path("/other", "/") is None


@mock_aws
def test_the_published_site_is_served_from_s3_and_revalidated(tmp_path: Path) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="tickets")
    publish_docs(write_site(tmp_path / "v1"), "s3://tickets/dbt-docs", s3)
    source = S3DocsSource("s3://tickets/dbt-docs", s3)
    calls: list[dict] = []
    s3.meta.events.register(
        "before-parameter-build.s3.GetObject", lambda params, **_: calls.append(params)
    )

    with serving(source) as base:
        status, headers, body = fetch(f"{base}/docs")
        assert (status, headers["Location"]) == (301, "/docs/")

        status, headers, body = fetch(f"{base}/docs/")
        assert status == 200 and body == INDEX
        assert headers["Content-Type"].startswith("text/html")
        etag = headers["ETag"]

        status, headers, body = fetch(f"{base}/docs/", {"If-None-Match": etag})
        assert (status, body) == (304, b"")
        # Every request asked S3 whether the file changed, sending the version it holds.
        assert calls[-1].get("IfNoneMatch") == etag

        status, headers, body = fetch(f"{base}/docs/manifest.json", {"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body) == b'{"nodes": {}}' * 500
        assert int(headers["Content-Length"]) == len(body) < 500

        # A new build is what the next request sees.
        publish_docs(write_site(tmp_path / "v2", b"<html>v2</html>"), "s3://tickets/dbt-docs", s3)
        status, headers, body = fetch(f"{base}/docs/index.html", {"If-None-Match": etag})
        assert (status, body) == (200, b"<html>v2</html>")
        assert headers["ETag"] != etag


@mock_aws
def test_nothing_but_the_site_is_served_and_an_unpublished_site_says_how_to_publish() -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="tickets")
    s3.put_object(Bucket="tickets", Key="tickets/2025/01/01/ticket_1.json", Body=b"{}")
    source = S3DocsSource("s3://tickets/dbt-docs", s3)

    with serving(source) as base:
        status, _, body = fetch(f"{base}/docs/")
        assert status == 404 and b"dbt_docs asset" in body and b"s3://tickets/dbt-docs" in body
        status, _, _ = fetch(f"{base}/docs/../tickets/2025/01/01/ticket_1.json")
        assert status == 404
        status, _, body = fetch(f"{base}/health")
        assert (status, body) == (200, b"ok\n")


def test_a_failing_store_answers_502_and_the_server_keeps_serving(tmp_path: Path) -> None:
    class Broken:
        uri = "s3://broken"

        def read(self, name, cached):
            raise ConnectionError("endpoint unreachable")

    with serving(Broken()) as base:
        assert fetch(f"{base}/docs/")[0] == 502
        assert fetch(f"{base}/health")[0] == 200


def test_a_folder_site_is_served_and_a_rewrite_changes_its_version(tmp_path: Path) -> None:
    write_site(tmp_path)
    with serving(FolderDocsSource(tmp_path), base_path="/") as base:
        status, headers, body = fetch(f"{base}/")
        assert (status, body) == (200, INDEX)
        etag = headers["ETag"]
        (tmp_path / "index.html").write_bytes(b"<html>rebuilt</html>")
        status, headers, body = fetch(f"{base}/", {"If-None-Match": etag})
        assert (status, body) == (200, b"<html>rebuilt</html>")
        status, _, _ = fetch(f"{base}/", {"If-None-Match": headers["ETag"]})
        assert status == 304


def test_the_command_refuses_to_start_without_a_site_to_serve(monkeypatch) -> None:
    from typer.testing import CliRunner

    from ticket_platform.cli.main import app

    monkeypatch.delenv("TICKET_DOCS_URI", raising=False)
    result = CliRunner().invoke(app, ["docs-server"])
    assert result.exit_code == 2 and "TICKET_DOCS_URI" in result.output
    result = CliRunner().invoke(app, ["docs-server", "--uri", "ftp://host/site"])
    assert result.exit_code == 2 and "unsupported" in result.output
