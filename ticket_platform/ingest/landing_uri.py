"""A landing from where ``TICKET_LANDING_URI`` points: a folder path or ``s3://bucket/prefix``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from ticket_platform.ingest.landing import Landing, LocalLanding
from ticket_platform.ingest.s3_landing import S3Landing


def parse_landing_uri(uri: str) -> tuple[str, str, str]:
    """``("s3", bucket, prefix)`` or ``("local", path, "")`` for a landing URI or path."""
    parsed = urlparse(uri)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise ValueError(f"S3 landing URI {uri!r} has no bucket")
        return "s3", parsed.netloc, parsed.path.strip("/")
    if parsed.scheme in ("", "file"):
        return "local", parsed.path if parsed.scheme == "file" else uri, ""
    raise ValueError(f"unsupported landing URI {uri!r}: use a folder path or s3://bucket/prefix")


def landing_from_uri(uri: str, s3_client: Any = None) -> Landing:
    """The landing ``uri`` names; an S3 one reads through ``s3_client`` (boto3's default
    client when none is given)."""
    kind, location, prefix = parse_landing_uri(uri)
    if kind == "s3":
        if s3_client is None:
            import boto3

            s3_client = boto3.client("s3")
        return S3Landing(s3_client, location, prefix)
    return LocalLanding(location)
