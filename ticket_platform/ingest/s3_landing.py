"""The landing zone in S3: a bucket and prefix read through a boto3 client (``S3Landing``).

Keys are relative to the prefix, as in ``LocalLanding``; listings are paginated and a read never
takes more than its limit, however large the object.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

from ticket_platform.ingest.landing import LandingObject, too_large


def _s3_object(key: str, listed: dict[str, Any]) -> LandingObject:
    return LandingObject(
        key=key,
        etag=listed["ETag"].strip('"'),
        size=listed["Size"],
        last_modified=listed["LastModified"],
    )


def _bounded_read(handle: Any, size: int, max_bytes: int | None) -> bytes:
    """Read a stream whose announced size is ``size``, never more than ``max_bytes + 1`` bytes
    (a file may grow after it was sized). Reads ask for the announced size, not the limit:
    a read of n bytes allocates n bytes first."""
    if max_bytes is None:
        return handle.read()
    if size > max_bytes:
        raise too_large(size, max_bytes)
    data = handle.read(size + 1)
    if len(data) > size:  # it grew: read on, up to the limit
        data += handle.read(max_bytes + 1 - len(data))
    if len(data) > max_bytes:
        raise too_large(len(data), max_bytes)
    return data


class S3Landing:
    """A bucket and prefix in S3, read with a paginated ``list_objects_v2``."""

    def __init__(self, client: Any, bucket: str, prefix: str = ""):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.uri = f"s3://{bucket}/{self.prefix}".rstrip("/")

    def _full(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def list(self, prefix: str) -> Iterator[LandingObject]:
        strip = len(self.prefix) + 1 if self.prefix else 0
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._full(prefix)):
            for obj in page.get("Contents", ()):
                yield _s3_object(obj["Key"][strip:], obj)

    def list_folders(self, prefix: str) -> tuple[list[str], list[LandingObject]]:
        strip = len(self._full(prefix))
        folders: list[str] = []
        files: list[LandingObject] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(
            Bucket=self.bucket, Prefix=self._full(prefix), Delimiter="/"
        ):
            folders += [p["Prefix"][strip:].rstrip("/") for p in page.get("CommonPrefixes", ())]
            files += [
                _s3_object(f"{prefix}{obj['Key'][strip:]}", obj) for obj in page.get("Contents", ())
            ]
        return folders, files

    def read(self, key: str, max_bytes: int | None = None) -> bytes:
        response = self.client.get_object(Bucket=self.bucket, Key=self._full(key))
        body = response["Body"]
        try:
            return _bounded_read(body, response["ContentLength"], max_bytes)
        finally:
            body.close()

    def write(self, key: str, body: bytes) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._full(key),
            Body=body,
            ContentMD5=_b64md5(body),
        )


def _b64md5(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()
