"""Serve the published dbt docs site over HTTP, from S3 (or a folder), under one base path.

In production the batch stack's load balancer authenticates every request (the same Cognito login
as the Dagster UI) and forwards ``/docs`` and ``/docs/*`` to this server, which reads the four
files :func:`publish_docs` writes to ``TICKET_DOCS_URI`` (``s3://bucket/dbt-docs``). Nothing else
is served: any other path is a 404, so the server can never expose the rest of the bucket.

Each request revalidates the file with S3 (``GetObject`` with ``If-None-Match``), so a new site
shows on the next page load, and an unchanged one is not downloaded again; bodies are gzipped once
per version for browsers that accept it (the manifest is megabytes of JSON).
"""

from __future__ import annotations

import gzip
import logging
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol

from ticket_platform.ingest.landing_uri import parse_landing_uri

# The files of the site `dbt docs generate --static` writes, which transform/docs.py publishes
# and this server serves (here, so the server starts without importing Dagster or dbt).
SITE_FILES = {
    "index.html": "text/html",
    "static_index.html": "text/html",
    "manifest.json": "application/json",
    "catalog.json": "application/json",
}
log = logging.getLogger(__name__)
HEALTH_PATH = "/health"
NOT_PUBLISHED = (
    "The dbt docs have not been published yet: materialize the dbt_docs asset (it runs after "
    "the dbt build) to write them to {uri}."
)


class DocsNotFound(LookupError):
    """The site file does not exist at the source (not published yet)."""


@dataclass(frozen=True)
class SiteFile:
    body: bytes
    version: str  # S3's ETag, or the file's mtime and size


class DocsSource(Protocol):
    uri: str

    def read(self, name: str, cached: SiteFile | None) -> SiteFile:
        """The file's current version; ``cached`` itself when it is still current."""


class S3DocsSource:
    def __init__(self, uri: str, s3_client: Any) -> None:
        kind, bucket, prefix = parse_landing_uri(uri)
        if kind != "s3":
            raise ValueError(f"not an s3:// URI: {uri!r}")
        self.uri, self.bucket, self.prefix, self.s3 = uri, bucket, prefix, s3_client

    def read(self, name: str, cached: SiteFile | None) -> SiteFile:
        from botocore.exceptions import ClientError

        key = f"{self.prefix}/{name}" if self.prefix else name
        request: dict[str, str] = {"Bucket": self.bucket, "Key": key}
        if cached:
            request["IfNoneMatch"] = cached.version
        try:
            response = self.s3.get_object(**request)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code"))
            if cached and code in ("304", "NotModified"):
                return cached
            if code in ("NoSuchKey", "404"):
                raise DocsNotFound(f"s3://{self.bucket}/{key}") from error
            raise
        return SiteFile(response["Body"].read(), response["ETag"])


class FolderDocsSource:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.uri = str(self.folder)

    def read(self, name: str, cached: SiteFile | None) -> SiteFile:
        path = self.folder / name
        try:
            stat = path.stat()
        except FileNotFoundError as error:
            raise DocsNotFound(str(path)) from error
        version = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        if cached and cached.version == version:
            return cached
        return SiteFile(path.read_bytes(), version)


def docs_source(uri: str, s3_client: Any = None) -> DocsSource:
    """The source of a ``TICKET_DOCS_URI``: ``s3://bucket/prefix`` or a folder."""
    kind, location, _ = parse_landing_uri(uri)
    if kind == "s3":
        if s3_client is None:
            import boto3

            s3_client = boto3.client("s3")
        return S3DocsSource(uri, s3_client)
    return FolderDocsSource(location)


class SiteCache:
    """The last version of each file, with its gzip encoding made once per version."""

    def __init__(self, source: DocsSource) -> None:
        self.source = source
        self._files: dict[str, tuple[SiteFile, bytes]] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> tuple[SiteFile, bytes]:
        with self._lock:
            known = self._files.get(name)
        current = self.source.read(name, known[0] if known else None)
        if known and current is known[0]:
            return known
        entry = (current, gzip.compress(current.body, compresslevel=6, mtime=0))
        with self._lock:
            self._files[name] = entry
        return entry


def resolve_path(path: str, base_path: str) -> str | None:
    """The site file a request path names, ``""`` for a redirect to the base, None for a 404."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    prefix = base_path.rstrip("/")
    if prefix and path == prefix:
        return ""
    if not path.startswith(prefix + "/"):
        return None
    name = path[len(prefix) + 1 :] or "index.html"
    return name if name in SITE_FILES else None


def make_handler(cache: SiteCache, base_path: str) -> type[BaseHTTPRequestHandler]:
    class DocsHandler(BaseHTTPRequestHandler):
        server_version = "ticket-platform-docs"
        protocol_version = "HTTP/1.1"

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def _answer(self, *, send_body: bool) -> None:
            if self.path == HEALTH_PATH:
                return self._text(HTTPStatus.OK, "ok\n", send_body)
            name = resolve_path(self.path, base_path)
            if name == "":
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", base_path.rstrip("/") + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if name is None:
                return self._text(HTTPStatus.NOT_FOUND, "Not found.\n", send_body)
            try:
                site_file, gzipped = cache.get(name)
            except DocsNotFound:
                message = NOT_PUBLISHED.format(uri=cache.source.uri) + "\n"
                return self._text(HTTPStatus.NOT_FOUND, message, send_body)
            except Exception:
                log.exception("reading %s from %s failed", name, cache.source.uri)
                return self._text(HTTPStatus.BAD_GATEWAY, "The docs store failed.\n", send_body)
            if site_file.version in self.headers.get("If-None-Match", ""):
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", site_file.version)
                self.end_headers()
                return None
            use_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
            body = gzipped if use_gzip else site_file.body
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", f"{SITE_FILES[name]}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", site_file.version)
            self.send_header("Cache-Control", "no-cache")  # revalidate: a new build shows at once
            self.send_header("Vary", "Accept-Encoding")
            if use_gzip:
                self.send_header("Content-Encoding", "gzip")
            self.end_headers()
            if send_body:
                self.wfile.write(body)
            return None

        def _text(self, status: HTTPStatus, text: str, send_body: bool) -> None:
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            log.info("%s %s", self.address_string(), format % args)

    return DocsHandler


def docs_server(
    source: DocsSource, *, host: str = "127.0.0.1", port: int = 3001, base_path: str = "/docs"
) -> ThreadingHTTPServer:
    """An HTTP server (not yet serving: call ``serve_forever``) of the site under ``base_path``."""
    base_path = "/" + base_path.strip("/")
    server = ThreadingHTTPServer((host, port), make_handler(SiteCache(source), base_path))
    server.daemon_threads = True
    return server
